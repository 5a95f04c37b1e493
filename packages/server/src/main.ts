/**
 * Composition root: reads the prepared config, builds the adapters, wires the ports and serves.
 * Nothing else constructs concrete adapters.
 */
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { VoiceError, type AccountSid } from '@denwa/protocol';
import { buildApp } from './app.ts';
import { CallEngine, endOrphanedCalls } from './calls/index.ts';
import { ensureApiKey, ensureVirtualNumber, insightsHome, syncTrunksFile } from './console/index.ts';
import { MediaRelay, nativeUdpFallbackReason, type MediaImpairment } from './media/index.ts';
import { PresenceRegistry, SignalingServer, mintAccessToken, verifyToken } from './signaling/index.ts';
import { SipEdge } from './sip/index.ts';
import { HttpWebhookClient } from './webhooks/index.ts';
import { prepareDataDir, readTrunksFile, resolvePublicUrl, trustInstructions, type DataDir, type DenwaConfig, type TokenOptions } from './config/index.ts';
import { RandomIdGenerator, SystemClock, createLogger, lastHeartbeat, startHeartbeat, type Clock, type IdGenerator, type Logger } from './core/index.ts';
import { Mp3EncoderPool, RecordingService, createRecordingStorage } from './recording/index.ts';
import { openSqliteStore, type Store } from './store/index.ts';
import { DENWA_VERSION } from './version.ts';

export interface StartOptions {
  /** Human-facing lines (the banner and the `Denwa ready` line). */
  readonly out: (line: string) => void;
  /** Where JSON logs go; stderr by default. */
  readonly logDestination?: DestinationStream;
}

export interface RunningDenwa {
  readonly httpUrl: string;
  /** The WebRTC media relay's UDP port. */
  readonly mediaPort: number;
  /** The SIP port (UDP and TCP); null when it could not be bound. */
  readonly sipPort: number | null;
  readonly httpsUrl: string;
  readonly publicUrl: string;
  readonly accountSid: AccountSid;
  readonly dataDir: DataDir;
  readonly log: Logger;
  /** Stops accepting connections, finishes in-flight requests and writes, closes the database. Idempotent. */
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return h.includes(':') ? `[${h}]` : h;
}

/** The port of a listening TCP server (`server.address()`). */
function boundPort(address: string | { port: number } | null): number {
  if (address === null || typeof address === 'string') throw new TypeError('server is not listening on TCP');
  return address.port;
}

/** The friendly name of the API key `denwa token` signs with (created on first use). */
export const CLI_KEY_NAME = 'denwa token';

/** The browser SDK's and the softphone page's sources in this checkout (see console/web-assets.ts). */
const WEB_SOURCES = {
  sdkEntry: fileURLToPath(new URL('../../sdk/src/browser.ts', import.meta.url)),
  phoneDir: fileURLToPath(new URL('../../../examples/quickstart/public', import.meta.url)),
};

/** The account's record is kept in step with the credentials of the data dir (or the environment). */
async function syncAccount(store: Store, dataDir: DataDir, now: number): Promise<void> {
  const existing = await store.accounts.get(dataDir.credentials.accountSid);
  await store.accounts.upsert({
    sid: dataDir.credentials.accountSid,
    friendlyName: existing?.friendlyName ?? 'Denwa',
    authToken: dataDir.credentials.authToken,
    status: 'active',
    dateCreated: existing?.dateCreated ?? now,
    dateUpdated: now,
  });
}

/** Prepares the data dir and opens the store: shared by `denwa start` and `denwa token`. */
export async function openDataDir(
  config: DenwaConfig,
  ids: IdGenerator,
  clock: Clock,
): Promise<{ dataDir: DataDir; store: Store }> {
  const dataDir = await prepareDataDir(config, { ids, now: () => clock.now() });
  const store = await openSqliteStore({ path: dataDir.dbPath });
  try {
    await syncAccount(store, dataDir, clock.now());
  } catch (err) {
    await store.close();
    throw err;
  }
  return { dataDir, store };
}

export async function startDenwa(config: DenwaConfig, options: StartOptions): Promise<RunningDenwa> {
  const log = createLogger({ level: config.logLevel }, options.logDestination ?? process.stderr);
  const ids = new RandomIdGenerator();
  const clock = new SystemClock();
  const { dataDir, store } = await openDataDir(config, ids, clock);
  const accountSid = dataDir.credentials.accountSid;

  let httpsServer: HttpsServer | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let relay: MediaRelay | null = null;
  let engine: CallEngine | null = null;
  let sip: SipEdge | null = null;
  let signaling: SignalingServer | null = null;
  let recorder: RecordingService | null = null;
  let stopHeartbeat = (): void => undefined;
  let mp3: Mp3EncoderPool | null = null;
  let closing: Promise<void> | null = null;
  // The public URL is known only once the HTTP port is bound (it may be 0 in tests).
  let publicUrl = '';
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopHeartbeat();
      signaling?.close();
      engine?.close();
      if (sip !== null) await sip.close();
      if (engine !== null) await engine.flushed();
      if (recorder !== null) await recorder.close();
      if (mp3 !== null) await mp3.close();
      if (relay !== null) await relay.close();
      if (httpsServer !== null) {
        const s = httpsServer;
        await new Promise<void>((resolve) => s.close(() => { resolve(); }));
        s.closeAllConnections();
      }
      if (app !== null) await app.close();
      await store.close();
      log.info('stopped');
      log.flush();
    })();
    return closing;
  };

  try {
    const advertisedAddress = config.publicIp ?? (config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host);
    relay = await MediaRelay.start({ bindAddress: config.host, port: config.mediaPort, io: config.mediaIo, rtpPorts: config.rtpPortRange, advertisedAddress, clock, log: log.child({ mod: 'media' }) });
    const fallback = nativeUdpFallbackReason();
    if (relay.io === 'dgram' && config.mediaIo === 'auto' && fallback !== null) log.warn({ reason: fallback }, 'media relay uses node:dgram (more CPU per call)');
    const mediaRelay = relay;
    if (config.testHooks) log.warn('test hooks are on: /test/Impairments can degrade calls (never use this in production)');
    const presence = new PresenceRegistry(() => clock.now());
    const webhooks = new HttpWebhookClient({
      authTokenFor: async (sid) => (await store.accounts.get(sid))?.authToken ?? null,
      notifications: store.notifications,
      ids,
      clock,
      log,
    });
    if (config.trunksFile !== null) {
      const report = await syncTrunksFile(store, accountSid, readTrunksFile(config.trunksFile), ids, clock);
      log.info({ file: config.trunksFile, ...report }, 'trunks file applied');
    }
    try {
      sip = await SipEdge.start({
        bindAddress: config.host, port: config.sipPort, advertisedAddress, store, media: relay, clock, log: log.child({ mod: 'sip' }),
        // SIP over TLS on the next port (5061 by default), with the HTTPS certificate.
        tls: { cert: dataDir.tls.certPem, key: dataDir.tls.keyPem, port: config.sipPort === 0 ? 0 : config.sipPort + 1 },
      });
    } catch (err) {
      log.warn({ err, port: config.sipPort }, 'SIP port not available: phone numbers and trunks are off (set --sip-port)');
    }
    // Recordings stream to a spool folder while the call lasts, then live in the storage (the data dir).
    const spoolDir = join(dataDir.recordingsDir, 'spool');
    await mkdir(spoolDir, { recursive: true, mode: 0o700 });
    mp3 = new Mp3EncoderPool({ size: 1 });
    recorder = new RecordingService({
      store, storage: recordingStorage(config, dataDir), spoolDir, webhooks, clock, ids, log: log.child({ mod: 'recording' }),
      publicBaseUrl: () => publicUrl, mp3,
    });
    engine = new CallEngine({ store, webhooks, media: relay, clients: presence, clock, ids, log, phone: sip, recorder });
    sip?.attach(engine);
    const deps = {
      store,
      ids,
      clock,
      log,
      defaultAccountSid: accountSid,
      calls: engine,
      recordings: recorder,
      testHooks: config.testHooks ? { impair: (callSid: string, impairment: MediaImpairment | null) => mediaRelay.impair(callSid, impairment) } : null,
      get publicUrl(): string { return publicUrl; },
      console: { version: DENWA_VERSION, httpsUrl: null as string | null, caCertPem: dataDir.tls.caPem, webSources: WEB_SOURCES },
    };
    app = await buildApp(deps);
    await app.listen({ host: config.host, port: config.httpPort });
    const httpPort = boundPort(app.server.address());
    const urlHost = hostForUrl(config.publicIp ?? config.host);
    const httpUrl = `http://${hostForUrl(config.host)}:${String(httpPort)}`;
    publicUrl = resolvePublicUrl(config, httpPort);
    // Calls and recordings a crashed run left live: the calls ended, the recordings repaired and completed.
    const heartbeatFile = join(dataDir.root, 'heartbeat');
    const orphans = await endOrphanedCalls(store, accountSid, clock, await lastHeartbeat(heartbeatFile));
    stopHeartbeat = startHeartbeat(heartbeatFile, clock);
    if (orphans > 0) log.warn({ count: orphans }, 'ended calls left live by the previous run (it stopped without hanging them up)');
    const repaired = await recorder.repairUnfinished();
    if (repaired > 0) log.info({ count: repaired }, 'repaired recordings left unfinished by the previous run');
    // The hands-on guide's number on the virtual carrier, when the account has no number yet.
    const virtualNumber = await ensureVirtualNumber(store, accountSid, publicUrl, ids, clock);
    if (virtualNumber.kind === 'created') log.info({ phoneNumberSid: virtualNumber.number.sid, twimlBinSid: virtualNumber.bin.sid }, 'virtual number created');

    const fastify = app;
    const tlsServer = createHttpsServer({ cert: dataDir.tls.certPem, key: dataDir.tls.keyPem }, (req, res) => {
      fastify.routing(req, res);
    });
    httpsServer = tlsServer;
    await new Promise<void>((resolve, reject) => {
      tlsServer.once('error', reject);
      tlsServer.listen(config.httpsPort, config.host, () => { tlsServer.off('error', reject); resolve(); });
    });
    const httpsPort = boundPort(tlsServer.address());
    const httpsUrl = `https://${urlHost}:${String(httpsPort)}`;
    deps.console.httpsUrl = httpsUrl;

    const signalingServer = new SignalingServer({
      calls: engine,
      presence,
      verifyToken: (token) =>
        verifyToken(token, {
          now: () => clock.now(),
          findAccount: (sid) => store.accounts.get(sid),
          findApiKey: (accountSid, keySid) => store.apiKeys.get(accountSid, keySid),
        }),
      clock,
      log,
      region: 'denwa',
      edge: 'denwa',
      home: insightsHome(urlHost.replace(/^\[|\]$/g, ''), httpsPort),
    });
    signaling = signalingServer;
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (!signalingServer.handleUpgrade(req, socket, head)) socket.destroy();
    };
    (app.server).on('upgrade', onUpgrade);
    tlsServer.on('upgrade', onUpgrade);
    const mediaPort = relay.address.port;

    log.info({ httpUrl, httpsUrl, publicUrl, mediaPort, dataDir: dataDir.root, accountSid }, 'started');
    const out = options.out;
    out(`Denwa ${DENWA_VERSION}`);
    out(`  data dir   ${dataDir.root}${dataDir.created ? ' (created)' : ''}`);
    out(`  account    ${accountSid} (${credentialsHint(dataDir)})`);
    if (dataDir.tls.caCertPath !== null) {
      out(`  local CA   ${dataDir.tls.caCertPath} (also at ${publicUrl}/ca.crt)`);
      if (dataDir.created) for (const line of trustInstructions(dataDir.tls.caCertPath).split('\n')) out(`    ${line}`);
      else out('             browsers must trust it for wss:// (see docs/DEPLOY.md)');
    }
    out(`  media      udp ${advertisedAddress}:${String(mediaPort)} (WebRTC relay, ${relay.io === 'native' ? 'batched UDP' : 'node:dgram'}) · signaling wss://${urlHost}:${String(httpsPort)}/signal`);
    out(sip === null ? `  sip        off (port ${String(config.sipPort)} not available)` : `  sip        udp+tcp ${advertisedAddress}:${String(sip.port)}, tls ${String(sip.tlsPort ?? 'off')} (trunks, numbers)`);
    out(`  recordings ${recordingsWhere(config, dataDir)}`);
    if (virtualNumber.kind === 'created' || virtualNumber.kind === 'existing') {
      out(`  number     ${virtualNumber.number.phoneNumber} (virtual${virtualNumber.kind === 'created' ? ', created' : ''}; call it from ${publicUrl}/simulator/)`);
    }
    out(`Denwa ready: console ${publicUrl}/ · API ${publicUrl}/2010-04-01/Accounts/${accountSid} · HTTPS ${httpsUrl}`);
    return { httpUrl, httpsUrl, mediaPort, sipPort: sip?.port ?? null, publicUrl, accountSid, dataDir, log, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The recordings' storage from `--recording-storage`: the data dir, or an S3-compatible bucket. */
function recordingStorage(config: DenwaConfig, dataDir: DataDir): ReturnType<typeof createRecordingStorage> {
  const s = config.recordingStorage;
  if (s.kind === 'filesystem') return createRecordingStorage({ kind: 'filesystem', root: dataDir.recordingsDir });
  return createRecordingStorage({
    kind: 's3', bucket: s.bucket, region: s.region, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey,
    ...(s.prefix === '' ? {} : { prefix: s.prefix }), ...(s.endpoint === null ? {} : { endpoint: s.endpoint }), ...(s.pathStyle === null ? {} : { pathStyle: s.pathStyle }),
  });
}

/** Where recordings go, for the banner (no keys). */
function recordingsWhere(config: DenwaConfig, dataDir: DataDir): string {
  const s = config.recordingStorage;
  return s.kind === 'filesystem' ? `${dataDir.recordingsDir} (WAV + MP3)` : `s3://${s.bucket}${s.prefix === '' ? '' : `/${s.prefix}`}${s.endpoint === null ? '' : ` at ${s.endpoint}`} (WAV + MP3)`;
}

function credentialsHint(dataDir: DataDir): string {
  switch (dataDir.credentials.source) {
    case 'env':
      return 'from DENWA_ACCOUNT_SID / DENWA_AUTH_TOKEN';
    case 'generated':
    case 'file':
      return `auth token in ${dataDir.root}/credentials.json`;
  }
}

/**
 * `denwa token`: an Access Token for local development, signed with the data dir's CLI API key
 * (created on first use).
 */
export async function mintDevelopmentToken(config: DenwaConfig, options: TokenOptions): Promise<string> {
  const ids = new RandomIdGenerator();
  const clock = new SystemClock();
  const { dataDir, store } = await openDataDir(config, ids, clock);
  try {
    const accountSid = dataDir.credentials.accountSid;
    if (options.applicationSid !== null && (await store.applications.get(accountSid, options.applicationSid)) === null) {
      throw new VoiceError(21218, `${options.applicationSid} is not an application of ${accountSid}`);
    }
    const key = await ensureApiKey(store, accountSid, CLI_KEY_NAME, ids, clock);
    return await mintAccessToken({
      accountSid,
      apiKeySid: key.sid,
      apiKeySecret: key.secret,
      identity: options.identity,
      ttlSec: options.ttlSec,
      nowSec: Math.floor(clock.now() / 1000),
      incomingAllow: options.incoming,
      ...(options.applicationSid === null ? {} : { outgoingApplicationSid: options.applicationSid }),
    });
  } finally {
    await store.close();
  }
}
