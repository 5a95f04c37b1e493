/**
 * `DtlsServer` against the in-process test client with a manual clock: full handshakes, cookie
 * exchange, retransmission (timer and peer-triggered), reordering, fragmentation and failures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@denwa/testkit';
import { ALERT, CONTENT_HANDSHAKE, DTLS_1_2 } from './constants.ts';
import { certificateFingerprint, createDtlsCertificate, type DtlsCertificate } from './certificate.ts';
import { DtlsServer } from './dtls-server.ts';
import type { DtlsConnection, DtlsServerOptions } from './dtls-server-options.ts';
import type { DtlsState } from './dtls-state.ts';
import { encodeRecord, parseRecords } from './record-layer.ts';
import { DtlsTestClient, type TestClientOptions } from './test-client.ts';

let serverCert: DtlsCertificate;
let clientCert: DtlsCertificate;
let otherCert: DtlsCertificate;

beforeAll(async () => {
  [serverCert, clientCert, otherCert] = await Promise.all([createDtlsCertificate(), createDtlsCertificate(), createDtlsCertificate()]);
});

interface SetupOptions {
  server?: Partial<DtlsServerOptions>;
  client?: Partial<TestClientOptions>;
  /** Return true to drop the server's n-th datagram (1-based). */
  dropServer?: (n: number) => boolean;
}

function setup(o: SetupOptions = {}) {
  const clock = new ManualClock();
  const toClient: Buffer[] = [];
  const toServer: Buffer[] = [];
  const connected: DtlsConnection[] = [];
  const failed: string[] = [];
  const closed: string[] = [];
  const states: DtlsState[] = [];
  let serverSent = 0;
  const server = new DtlsServer({
    certificate: serverCert,
    clock,
    send: (d) => {
      serverSent++;
      if (o.dropServer?.(serverSent) !== true) toClient.push(d);
    },
    expectedRemoteFingerprint: clientCert.fingerprint,
    cookieSecret: Buffer.alloc(32, 5),
    initialRetransmitMs: 100,
    onConnected: (c) => connected.push(c),
    onFailed: (r) => failed.push(r),
    onClosed: (r) => closed.push(r),
    onStateChange: (to) => states.push(to),
    ...o.server,
  });
  const client = new DtlsTestClient({ certificate: clientCert, send: (d) => toServer.push(d), ...o.client });
  /** Delivers queued datagrams both ways until both queues are empty. */
  const pump = (): void => {
    for (let i = 0; i < 50 && (toServer.length > 0 || toClient.length > 0); i++) {
      for (const d of toServer.splice(0)) server.handleDatagram(d);
      for (const d of toClient.splice(0)) client.handleDatagram(d);
    }
  };
  return { clock, server, client, toClient, toServer, connected, failed, closed, states, pump, sent: () => serverSent };
}

describe('DtlsServer with the in-process client', () => {
  it('completes a handshake after a cookie exchange; both sides export the same keys', () => {
    const h = setup();
    h.client.start();
    h.pump();
    expect(h.failed).toEqual([]);
    expect(h.client.failure).toBeUndefined();
    expect(h.server.state).toBe('connected');
    expect(h.states).toEqual(['handshaking', 'connected']);
    const c = h.connected[0]!;
    expect(h.connected).toHaveLength(1);
    expect(c.srtpProfile).toBe('SRTP_AES128_CM_HMAC_SHA1_80');
    expect(c.keyingMaterial).toEqual(h.client.result!.keyingMaterial(60));
    expect(c.remoteFingerprint).toBe(clientCert.fingerprint);
    expect(c.remoteCertificate).toEqual(clientCert.certDer);
    expect(c.group).toBe('x25519');
    expect(c.extendedMasterSecret).toBe(true);
    expect(h.client.result!.serverCertificate).toEqual(serverCert.certDer);
    expect(h.server.stats.helloVerifyRequests).toBe(1);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it.each([
    { name: 'P-256, AES-256-GCM, no EMS, AEAD SRTP', groups: [23], suites: [0xc02c], ems: false, srtp: [7], profile: 'SRTP_AEAD_AES_128_GCM', km: 56 },
    { name: 'x25519, AES-128-GCM, SHA1_32 by preference', groups: [29, 23], suites: [0xc02b], ems: true, srtp: [2, 1], profile: 'SRTP_AES128_CM_HMAC_SHA1_32', km: 60 },
  ])('negotiates $name', ({ groups, suites, ems, srtp, profile, km }) => {
    const h = setup({
      client: { groups, cipherSuites: suites, extendedMasterSecret: ems, srtpProfiles: srtp },
      server: { srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_32', 'SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'] },
    });
    h.client.start();
    h.pump();
    const c = h.connected[0]!;
    expect(c.srtpProfile).toBe(profile);
    expect(c.extendedMasterSecret).toBe(ems);
    expect(c.keyingMaterial).toEqual(h.client.result!.keyingMaterial(km));
  });

  it('accepts any of several expected fingerprints, in any SDP hash function', () => {
    const h = setup({ server: { expectedRemoteFingerprint: [otherCert.fingerprint, certificateFingerprint(clientCert.certDer, 'sha-384')] } });
    h.client.start();
    h.pump();
    expect(h.server.state).toBe('connected');
  });

  it('fails with bad_certificate when the client certificate does not match the SDP fingerprint', () => {
    const h = setup({ server: { expectedRemoteFingerprint: otherCert.fingerprint } });
    h.client.start();
    h.pump();
    expect(h.failed).toEqual([
      `remote certificate fingerprint ${clientCert.fingerprint} does not match the SDP fingerprint ${otherCert.fingerprint}`,
    ]);
    expect(h.client.alerts).toContainEqual([2, ALERT.badCertificate]);
    expect(h.server.state).toBe('failed');
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('fails with a clear reason when no expected fingerprint is usable', () => {
    const h = setup({ server: { expectedRemoteFingerprint: 'md5 AB:CD' } });
    h.client.start();
    h.pump();
    expect(h.failed).toEqual(['no usable SDP fingerprint in md5 AB:CD (need sha-1/224/256/384/512)']);
  });

  it('fails with decrypt_error when CertificateVerify was signed with another key', () => {
    const h = setup({ client: { certificate: { ...clientCert, privateKey: otherCert.privateKey } } });
    h.client.start();
    h.pump();
    expect(h.failed).toEqual(['client CertificateVerify signature does not verify']);
    expect(h.client.alerts).toContainEqual([2, ALERT.decryptError]);
  });

  it('answers a ClientHello with a stale or forged cookie with a new HelloVerifyRequest and keeps no state', async () => {
    const h = setup();
    h.client.start();
    for (const d of h.toServer.splice(0)) h.server.handleDatagram(d);
    for (const d of h.toClient.splice(0)) h.client.handleDatagram(d); // client answers with the cookie
    const secondHello = h.toServer.splice(0);
    await h.clock.advance(61_000);
    for (const d of secondHello) h.server.handleDatagram(d);
    expect(h.server.state).toBe('new');
    expect(h.server.stats.helloVerifyRequests).toBe(2);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('retransmits flight 4 on its timer (100 ms, doubling) when it is lost', async () => {
    // 1 = HelloVerifyRequest, 2 = flight 4, 3 = first retransmission, 4 = second.
    const h = setup({ dropServer: (n) => n === 2 || n === 3 });
    h.client.start();
    h.pump();
    expect(h.sent()).toBe(2);
    await h.clock.advance(99);
    expect(h.sent()).toBe(2);
    await h.clock.advance(1);
    expect(h.sent()).toBe(3);
    await h.clock.advance(199);
    expect(h.sent()).toBe(3);
    await h.clock.advance(1);
    expect(h.sent()).toBe(4);
    h.pump();
    expect(h.server.state).toBe('connected');
    expect(h.server.stats.retransmissions).toBe(2);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('gives up after maxRetransmissions with a timeout reason', async () => {
    const h = setup({ dropServer: (n) => n >= 2, server: { maxRetransmissions: 3, maxRetransmitMs: 250 } });
    h.client.start();
    h.pump();
    await h.clock.advance(100 + 200 + 250);
    expect(h.sent()).toBe(5);
    expect(h.failed).toEqual([]);
    await h.clock.advance(250);
    expect(h.failed).toEqual(['handshake timed out: no complete answer to the server flight after 3 retransmissions']);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('resends flight 4 once per datagram when the client repeats its ClientHello', () => {
    const h = setup();
    h.client.start();
    for (const d of h.toServer.splice(0)) h.server.handleDatagram(d);
    for (const d of h.toClient.splice(0)) h.client.handleDatagram(d);
    for (const d of h.toServer.splice(0)) h.server.handleDatagram(d);
    expect(h.sent()).toBe(2);
    h.toClient.length = 0; // flight 4 lost
    h.client.retransmit(); // the second ClientHello again
    const repeat = h.toServer[0]!;
    h.server.handleDatagram(Buffer.concat([repeat, repeat])); // two copies in one datagram: one answer
    expect(h.sent()).toBe(3);
    h.pump();
    expect(h.server.state).toBe('connected');
    expect(h.connected).toHaveLength(1);
  });

  it('resends flight 6 when the client repeats flight 5, and reports the connection once', () => {
    const h = setup({ dropServer: (n) => n === 3 }); // 3 = flight 6
    h.client.start();
    h.pump();
    expect(h.server.state).toBe('connected');
    expect(h.client.result).toBeUndefined();
    h.client.retransmit();
    h.pump();
    expect(h.sent()).toBe(4);
    expect(h.client.result!.keyingMaterial(60)).toEqual(h.connected[0]!.keyingMaterial);
    expect(h.connected).toHaveLength(1);
  });

  it('handles flight 5 records in reverse order (epoch-1 Finished before the keys)', () => {
    const h = setup();
    h.client.start();
    for (let i = 0; i < 2; i++) {
      for (const d of h.toServer.splice(0)) h.server.handleDatagram(d);
      for (const d of h.toClient.splice(0)) h.client.handleDatagram(d);
    }
    const records = h.toServer.splice(0).flatMap((d) => parseRecords(d).records);
    expect(records.length).toBeGreaterThanOrEqual(5);
    for (const r of records.reverse()) h.server.handleDatagram(encodeRecord(r, r.fragment));
    h.pump();
    expect(h.server.state).toBe('connected');
    expect(h.client.result!.keyingMaterial(60)).toEqual(h.connected[0]!.keyingMaterial);
  });

  it('fragments to a small MTU both ways', () => {
    const h = setup({ server: { mtu: 150 }, client: { mtu: 150 } });
    h.client.start();
    h.pump();
    expect(h.server.state).toBe('connected');
    expect(h.sent()).toBeGreaterThan(5);
  });

  it('fails when the client offers nothing we support, with handshake_failure', () => {
    const h = setup({ client: { cipherSuites: [0xc02f] } });
    h.client.start();
    h.pump();
    expect(h.failed).toEqual(['no common cipher suite (need TLS_ECDHE_ECDSA_WITH_AES_*_GCM_SHA*)']);
    expect(h.client.alerts).toContainEqual([2, ALERT.handshakeFailure]);
  });

  it('close() sends an encrypted close_notify and stops; a peer fatal alert mid-handshake fails it', () => {
    const h = setup();
    h.client.start();
    h.pump();
    h.server.close();
    h.pump();
    expect(h.client.alerts).toEqual([[1, ALERT.closeNotify]]);
    expect(h.server.state).toBe('closed');
    h.server.close();
    expect(h.states).toEqual(['handshaking', 'connected', 'closed']);

    const k = setup();
    k.client.start();
    for (const d of k.toServer.splice(0)) k.server.handleDatagram(d);
    for (const d of k.toClient.splice(0)) k.client.handleDatagram(d);
    for (const d of k.toServer.splice(0)) k.server.handleDatagram(d);
    k.server.handleDatagram(encodeRecord({ type: 21, version: DTLS_1_2, epoch: 0, sequence: 9 }, Buffer.from([2, 48])));
    expect(k.failed).toEqual(['peer sent fatal alert unknown_ca (48) during the handshake']);
    expect(k.clock.pendingTimers).toBe(0);
  });

  it('drops unauthenticated epoch-0 alerts and application data after connecting', () => {
    const h = setup();
    h.client.start();
    h.pump();
    h.server.handleDatagram(encodeRecord({ type: 21, version: DTLS_1_2, epoch: 0, sequence: 99 }, Buffer.from([2, 40])));
    h.server.handleDatagram(encodeRecord({ type: CONTENT_HANDSHAKE, version: DTLS_1_2, epoch: 1, sequence: 99 }, Buffer.alloc(40)));
    expect(h.server.state).toBe('connected');
    expect(h.server.stats.unexpected).toBe(1);
    expect(h.server.stats.decryptFailed).toBe(1);
  });
});
