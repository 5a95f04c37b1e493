import { VoiceError } from '@denwa/protocol';
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import {
  CHROME_FINGERPRINT,
  CHROME_OFFER,
  CHROME_PCMU_OFFER,
  CHROME_PWD,
  CHROME_SSRC,
  CHROME_UFRAG,
  CHROME_VIDEO_OFFER,
  DENWA_FINGERPRINT,
  FIREFOX_OFFER,
  LEGACY_1X_OFFER,
  LOCAL,
  edit,
  without,
} from './fixtures.test-helper.ts';
import {
  buildAnswer,
  hostCandidatePriority,
  isIpv6,
  parseOffer,
  sdpRefusalReason,
  type BuiltAnswer,
  type LocalMediaParams,
  type ParsedOffer,
} from './index.ts';

function offerOf(text: string): ParsedOffer {
  const offer = parseOffer(text);
  if (offer instanceof VoiceError) throw offer;
  return offer;
}

function answerTo(text: string, local: LocalMediaParams = LOCAL): BuiltAnswer {
  const answer = buildAnswer(offerOf(text), local);
  if (answer instanceof VoiceError) throw answer;
  return answer;
}

const lines = (text: string): string[] => text.split('\r\n');
const CANDIDATE = 'a=candidate:1 1 udp 2130706431 203.0.113.10 40000 typ host generation 0';

describe('buildAnswer: a 2.x Chromium offer', () => {
  const { sdp, negotiated } = answerTo(CHROME_OFFER);
  const session = parse(sdp);
  const audio = session.media[0]!;

  it('is well-formed CRLF SDP', () => {
    expect(sdp.endsWith('\r\n')).toBe(true);
    expect(sdp.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(lines(sdp).slice(0, -1).every((line) => /^[a-z]=\S/.test(line))).toBe(true);
    expect(lines(sdp).slice(0, 5)).toEqual(['v=0', `o=- ${LOCAL.sessionId} 1 IN IP4 203.0.113.10`, 's=-', 't=0 0', 'a=ice-lite']);
  });

  it('has the session attributes: ice-lite, BUNDLE with the offer mid, msid-semantic', () => {
    expect(session.icelite).toBe('ice-lite');
    expect(session.groups).toEqual([{ type: 'BUNDLE', mids: 0 }]);
    expect(session.msidSemantic).toEqual({ semantic: 'WMS', token: 'denwa-leg-1' });
    expect(session.origin).toMatchObject({ sessionVersion: 1, address: '203.0.113.10', ipVer: 4 });
  });

  it('has one audio m-line on our port with the offer PTs: opus 111, telephone-event 110 and 126', () => {
    expect(session.media).toHaveLength(1);
    expect(audio).toMatchObject({ type: 'audio', port: 40000, protocol: 'UDP/TLS/RTP/SAVPF', payloads: '111 110 126' });
    expect(audio.connection).toEqual({ version: 4, ip: '203.0.113.10' });
    expect(audio.rtp).toEqual([
      { payload: 111, codec: 'opus', rate: 48000, encoding: 2 },
      { payload: 110, codec: 'telephone-event', rate: 48000 },
      { payload: 126, codec: 'telephone-event', rate: 8000 },
    ]);
    expect(audio.fmtp).toEqual([
      { payload: 111, config: 'minptime=10;useinbandfec=1' },
      { payload: 110, config: '0-15' },
      { payload: 126, config: '0-15' },
    ]);
    expect(audio.rtcpFb).toBeUndefined();
    expect(audio.ext).toBeUndefined();
  });

  it('has our ICE, DTLS and RTCP attributes', () => {
    expect(audio.iceUfrag).toBe(LOCAL.iceUfrag);
    expect(audio.icePwd).toBe(LOCAL.icePwd);
    expect(audio.fingerprint).toEqual({ type: 'sha-256', hash: DENWA_FINGERPRINT });
    expect(audio.setup).toBe('passive');
    expect(String(audio.mid)).toBe('0');
    expect(audio.direction).toBe('sendrecv');
    expect(audio.rtcpMux).toBe('rtcp-mux');
    expect(audio.endOfCandidates).toBe('end-of-candidates');
  });

  it('has exactly one host candidate with the RFC 8445 host priority', () => {
    expect(audio.candidates).toEqual([
      { foundation: 1, component: 1, transport: 'udp', priority: 2130706431, ip: '203.0.113.10', port: 40000, type: 'host', generation: 0 },
    ]);
    expect(lines(sdp).filter((line) => line.startsWith('a=candidate:'))).toEqual([CANDIDATE]);
    expect(hostCandidatePriority()).toBe(126 * 2 ** 24 + 65535 * 2 ** 8 + 255);
  });

  it('has our SSRC, cname and msid', () => {
    expect(audio.ssrcs).toEqual([
      { id: LOCAL.ssrc, attribute: 'cname', value: 'denwa-leg-1' },
      { id: LOCAL.ssrc, attribute: 'msid', value: 'denwa-leg-1 denwa-leg-1-audio' },
    ]);
    expect(audio.msid).toEqual([{ id: 'denwa-leg-1', appdata: 'denwa-leg-1-audio' }]);
  });

  it('reports what was negotiated', () => {
    expect(negotiated).toEqual({
      mid: '0',
      primary: { name: 'opus', pt: 111, clockRate: 48000, channels: 2 },
      telephoneEvent: { pt: 126, clockRate: 8000 },
      telephoneEvents: [
        { pt: 110, clockRate: 48000 },
        { pt: 126, clockRate: 8000 },
      ],
      remoteSsrcs: [CHROME_SSRC],
      remoteIce: { ufrag: CHROME_UFRAG, pwd: CHROME_PWD },
      localIce: { ufrag: LOCAL.iceUfrag, pwd: LOCAL.icePwd },
      remoteFingerprint: { algorithm: 'sha-256', value: CHROME_FINGERPRINT },
      remoteFingerprints: [{ algorithm: 'sha-256', value: CHROME_FINGERPRINT }],
      dtlsRole: 'server',
      direction: 'sendrecv',
    });
  });

  it('is itself a valid description for our own parser', () => {
    const back = offerOf(sdp);
    expect(back.ice).toEqual({ ufrag: LOCAL.iceUfrag, pwd: LOCAL.icePwd });
    expect(back.setup).toBe('passive');
    expect(back.candidates).toHaveLength(1);
    expect(back.endOfCandidates).toBe(true);
    expect(back.codecs.map((c) => c.pt)).toEqual([111, 110, 126]);
  });
});

describe('buildAnswer: codec choice', () => {
  const primary = (text: string, local: Partial<LocalMediaParams> = {}): string => {
    const { sdp, negotiated } = answerTo(text, { ...LOCAL, ...local });
    const te = negotiated.telephoneEvents.map((t) => `${t.pt}/${t.clockRate}`).join(',');
    return `${parse(sdp).media[0]!.payloads} | ${negotiated.primary.name}/${negotiated.primary.pt} | ${te} | ${negotiated.telephoneEvent?.pt ?? '-'}`;
  };

  it('uses the server preference, with the offer PT numbers', () => {
    expect(primary(CHROME_PCMU_OFFER, { codecPreferences: ['PCMU', 'opus'] })).toBe('0 126 | PCMU/0 | 126/8000 | 126');
    expect(primary(CHROME_PCMU_OFFER, { codecPreferences: ['opus', 'PCMU'] })).toBe('111 110 126 | opus/111 | 110/48000,126/8000 | 126');
    expect(primary(CHROME_OFFER, { codecPreferences: ['PCMA'] })).toBe('8 126 | PCMA/8 | 126/8000 | 126');
    expect(primary(LEGACY_1X_OFFER, { codecPreferences: ['PCMU', 'opus'] })).toBe('0 126 | PCMU/0 | 126/8000 | 126');
    expect(primary(FIREFOX_OFFER)).toBe('109 101 | opus/109 | 101/8000 | 101');
  });

  it('falls back to telephone-event/48000 for Opus when 8000 is not offered, and to none for G.711', () => {
    const only48 = without(CHROME_OFFER, 'a=rtpmap:126').replace(' 110 126', ' 110');
    expect(primary(only48)).toBe('111 110 | opus/111 | 110/48000 | 110');
    expect(primary(only48, { codecPreferences: ['PCMU'] })).toBe('0 | PCMU/0 |  | -');
  });

  it('leaves telephone-event out when dtmf is false', () => {
    expect(primary(CHROME_OFFER, { dtmf: false })).toBe('111 | opus/111 |  | -');
    expect(answerTo(CHROME_OFFER, { ...LOCAL, dtmf: false }).sdp).not.toContain('telephone-event');
  });

  it('refuses with 488-style 31400 when none of the preferred codecs is offered', () => {
    const result = buildAnswer(offerOf(CHROME_OFFER.replace('111 63 9 0 8 13 110 126', '0 126')), { ...LOCAL, codecPreferences: ['opus', 'PCMA'] });
    expect(result).toBeInstanceOf(VoiceError);
    expect((result as VoiceError).code).toBe(31400);
    expect((result as VoiceError).message).toBe('Bad Request: Not Acceptable Here: no common audio codec');
    expect(sdpRefusalReason(result)).toBe('no-common-codec');
  });
});

describe('buildAnswer: other m-lines, BUNDLE, mid', () => {
  it('rejects a video m-line with port 0 and keeps it out of BUNDLE', () => {
    const { sdp } = answerTo(CHROME_VIDEO_OFFER);
    const session = parse(sdp);
    expect(session.media.map((m) => `${m.type} ${m.port} ${m.protocol} ${m.payloads ?? ''}`)).toEqual([
      'audio 40000 UDP/TLS/RTP/SAVPF 111 110 126',
      'video 0 UDP/TLS/RTP/SAVPF 96 97',
    ]);
    expect(String(session.media[1]!.mid)).toBe('1');
    expect(session.media[1]!.candidates).toBeUndefined();
    expect(session.groups).toEqual([{ type: 'BUNDLE', mids: 0 }]);
  });

  it('keeps the offer m-line order when audio is not first', () => {
    const offer = CHROME_VIDEO_OFFER.replace('m=audio 9 UDP', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:dc\r\nm=audio 9 UDP');
    const { sdp } = answerTo(offer);
    expect(lines(sdp).filter((l) => l.startsWith('m='))).toEqual([
      'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
      'm=audio 40000 UDP/TLS/RTP/SAVPF 111 110 126',
      'm=video 0 UDP/TLS/RTP/SAVPF 96 97',
    ]);
  });

  it('writes no BUNDLE group and no mid when the offer has none', () => {
    const { sdp, negotiated } = answerTo(without(CHROME_OFFER, 'a=group', 'a=mid'));
    expect(sdp).not.toContain('a=group');
    expect(sdp).not.toContain('a=mid');
    expect(negotiated.mid).toBeNull();
    const legacy = answerTo(LEGACY_1X_OFFER).sdp;
    expect(legacy).toContain('a=group:BUNDLE audio\r\n');
    expect(legacy).toContain('a=mid:audio\r\n');
  });
});

describe('buildAnswer: direction (RFC 3264 §6.1) and DTLS role', () => {
  it.each([
    ['sendrecv', undefined, 'sendrecv'],
    ['sendonly', undefined, 'recvonly'],
    ['recvonly', undefined, 'sendonly'],
    ['inactive', undefined, 'inactive'],
    ['sendrecv', 'recvonly', 'recvonly'],
    ['sendonly', 'sendonly', 'inactive'],
  ] as const)('offer %s, local wish %s → %s', (offered, wish, expected) => {
    const local = wish === undefined ? LOCAL : { ...LOCAL, direction: wish };
    const { sdp, negotiated } = answerTo(edit(CHROME_OFFER, { 'a=sendrecv': `a=${offered}` }), local);
    expect(parse(sdp).media[0]!.direction).toBe(expected);
    expect(negotiated.direction).toBe(expected);
    const sending = expected === 'sendrecv' || expected === 'sendonly';
    expect(sdp.includes(`a=ssrc:${LOCAL.ssrc} cname:`)).toBe(sending);
  });

  it.each([
    ['actpass', false, 'passive', 'server'],
    ['active', false, 'passive', 'server'],
    [null, false, 'passive', 'server'],
    ['actpass', true, 'passive', 'server'],
    ['passive', true, 'active', 'client'],
  ] as const)('offer setup %s (dtlsClient %s) → a=setup:%s, Denwa is DTLS %s', (offered, dtlsClient, answered, role) => {
    const text = offered === null ? without(CHROME_OFFER, 'a=setup') : edit(CHROME_OFFER, { 'a=setup:actpass': `a=setup:${offered}` });
    const { sdp, negotiated } = answerTo(text, { ...LOCAL, dtlsClient });
    expect(parse(sdp).media[0]!.setup).toBe(answered);
    expect(negotiated.dtlsRole).toBe(role);
  });

  it('refuses a passive offer while the DTLS client role is not enabled (RFC 5763 §5: offers use actpass)', () => {
    const result = buildAnswer(offerOf(edit(CHROME_OFFER, { 'a=setup:actpass': 'a=setup:passive' })), LOCAL);
    expect(result).toBeInstanceOf(VoiceError);
    expect((result as VoiceError).code).toBe(31400);
    expect(sdpRefusalReason(result)).toBe('bad-setup');
    expect((result as VoiceError).message).toMatch(/DTLS client/);
  });
});

describe('buildAnswer: local parameters', () => {
  it('advertises an IPv6 address', () => {
    const { sdp } = answerTo(CHROME_OFFER, { ...LOCAL, address: '2001:db8::10' });
    expect(sdp).toContain('o=- 7283921930012345678 1 IN IP6 2001:db8::10\r\n');
    expect(sdp).toContain('c=IN IP6 2001:db8::10\r\n');
    expect(sdp).toContain('a=candidate:1 1 udp 2130706431 2001:db8::10 40000 typ host generation 0\r\n');
  });

  it('uses the given msid, foundation and session version', () => {
    const { sdp } = answerTo(CHROME_OFFER, {
      ...LOCAL,
      sessionVersion: 7,
      msid: { stream: 'call-CA1', track: 'leg-a' },
      candidateFoundation: '3735928559',
    });
    expect(sdp).toContain(`o=- ${LOCAL.sessionId} 7 IN IP4`);
    expect(sdp).toContain('a=msid:call-CA1 leg-a\r\n');
    expect(sdp).toContain('a=msid-semantic: WMS call-CA1\r\n');
    expect(sdp).toContain('a=candidate:3735928559 1 udp 2130706431 203.0.113.10 40000 typ host generation 0\r\n');
  });

  it.each<[string, Partial<LocalMediaParams>]>([
    ['host name address', { address: 'media.example.com' }],
    ['address with a line break', { address: '203.0.113.10\r\na=evil' }],
    ['bad IPv4', { address: '203.0.113.256' }],
    ['port 0', { port: 0 }],
    ['port 70000', { port: 70000 }],
    ['ufrag with a space', { iceUfrag: 'ab cd' }],
    ['short ufrag', { iceUfrag: 'abc' }],
    ['short pwd', { icePwd: 'tooshort' }],
    ['lower-case fingerprint', { fingerprint: { algorithm: 'sha-256', value: DENWA_FINGERPRINT.toLowerCase() } }],
    ['short fingerprint', { fingerprint: { algorithm: 'sha-256', value: 'AB:CD' } }],
    ['negative ssrc', { ssrc: -1 }],
    ['ssrc over 32 bits', { ssrc: 2 ** 32 }],
    ['cname with a space', { cname: 'a b' }],
    ['session id not digits', { sessionId: 'abc' }],
    ['negative session version', { sessionVersion: -1 }],
    ['msid with a space', { msid: { stream: 'a b', track: 't' } }],
    ['foundation with a space', { candidateFoundation: '1 2' }],
    ['no codec preference', { codecPreferences: [] }],
  ])('throws TypeError for %s', (_name, change) => {
    expect(() => buildAnswer(offerOf(CHROME_OFFER), { ...LOCAL, ...change })).toThrow(TypeError);
  });

  it('recognises IPv6 text', () => {
    for (const ok of ['::', '::1', '2001:db8::1', 'fe80::1:2:3:4', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8']) expect(isIpv6(ok)).toBe(true);
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', ':1', '12345::', 'fe80::1%eth0', '1.2.3.4', '::ffff:999.0.0.1']) {
      expect(isIpv6(bad)).toBe(false);
    }
  });
});

describe('buildAnswer: fingerprint of the offer is kept as written', () => {
  it('reports a session-level (Firefox) fingerprint', () => {
    const { negotiated } = answerTo(FIREFOX_OFFER);
    expect(negotiated.remoteFingerprint.algorithm).toBe('sha-256');
    expect(negotiated.remoteIce.ufrag).toBe('9b3c7e1a');
    expect(negotiated.remoteSsrcs).toEqual([1618033988]);
  });

  it('does not need remote candidates', () => {
    expect(answerTo(without(CHROME_OFFER, 'a=ice-options')).sdp).toContain(CANDIDATE);
  });
});
