import { VoiceError } from '@denwa/protocol';
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import {
  CHROME_ANSWER,
  CHROME_CNAME,
  CHROME_FINGERPRINT,
  CHROME_SSRC,
  DENWA_FINGERPRINT,
  OFFER_PARAMS,
  edit,
  without,
} from './fixtures.test-helper.ts';
import {
  buildOffer,
  defaultOfferCodecs,
  parseAnswer,
  parseOffer,
  sdpRefusalReason,
  type NegotiatedMedia,
  type OfferParams,
  type RtpCodec,
  type SdpRefusalReason,
} from './index.ts';

function negotiated(answer: string, offered: OfferParams = OFFER_PARAMS): NegotiatedMedia {
  const result = parseAnswer(answer, offered);
  if (result instanceof VoiceError) throw result;
  return result;
}

describe('buildOffer', () => {
  const sdp = buildOffer(OFFER_PARAMS);
  const session = parse(sdp);
  const audio = session.media[0]!;

  it('is a complete non-trickle WebRTC offer', () => {
    expect(session.icelite).toBe('ice-lite');
    expect(session.groups).toEqual([{ type: 'BUNDLE', mids: 0 }]);
    expect(session.media).toHaveLength(1);
    expect(audio).toMatchObject({ type: 'audio', port: 40000, protocol: 'UDP/TLS/RTP/SAVPF', payloads: '111 0 8 126 110' });
    expect(audio.setup).toBe('actpass');
    expect(audio.iceUfrag).toBe(OFFER_PARAMS.iceUfrag);
    expect(audio.icePwd).toBe(OFFER_PARAMS.icePwd);
    expect(audio.fingerprint).toEqual({ type: 'sha-256', hash: DENWA_FINGERPRINT });
    expect(audio.rtcpMux).toBe('rtcp-mux');
    expect(String(audio.mid)).toBe('0');
    expect(audio.direction).toBe('sendrecv');
    expect(audio.candidates).toHaveLength(1);
    expect(audio.candidates![0]).toMatchObject({ component: 1, transport: 'udp', priority: 2130706431, ip: '203.0.113.10', port: 40000, type: 'host' });
    expect(audio.endOfCandidates).toBe('end-of-candidates');
    expect(audio.ssrcs?.map((s) => s.attribute)).toEqual(['cname', 'msid']);
  });

  it('offers Opus 111, PCMU 0, PCMA 8, telephone-event 126/8000 and 110/48000', () => {
    expect(audio.rtp).toEqual([
      { payload: 111, codec: 'opus', rate: 48000, encoding: 2 },
      { payload: 0, codec: 'PCMU', rate: 8000 },
      { payload: 8, codec: 'PCMA', rate: 8000 },
      { payload: 126, codec: 'telephone-event', rate: 8000 },
      { payload: 110, codec: 'telephone-event', rate: 48000 },
    ]);
    expect(audio.fmtp).toContainEqual({ payload: 111, config: 'minptime=10;useinbandfec=1' });
  });

  it('orders codecs by preference and drops telephone-event/48000 without Opus', () => {
    const pts = (codecs: RtpCodec[]): string => codecs.map((c) => c.pt).join(' ');
    expect(pts(defaultOfferCodecs(['PCMU', 'opus'], true))).toBe('0 111 126 110');
    expect(pts(defaultOfferCodecs(['PCMU', 'PCMA'], true))).toBe('0 8 126');
    expect(pts(defaultOfferCodecs(['opus', 'opus'], false))).toBe('111');
    expect(parse(buildOffer({ ...OFFER_PARAMS, codecPreferences: ['PCMU'] })).media[0]!.payloads).toBe('0 126');
  });

  it('takes explicit codecs and a direction', () => {
    const text = buildOffer({
      ...OFFER_PARAMS,
      mid: 'audio',
      direction: 'sendonly',
      codecs: [
        { pt: 96, name: 'opus', clockRate: 48000, channels: 2 },
        { pt: 101, name: 'telephone-event', clockRate: 8000, channels: 1 },
      ],
    });
    expect(text).toContain('m=audio 40000 UDP/TLS/RTP/SAVPF 96 101\r\n');
    expect(text).toContain('a=group:BUNDLE audio\r\n');
    expect(text).toContain('a=sendonly\r\n');
  });

  it.each<[string, Partial<OfferParams>]>([
    ['a mid with a space', { mid: 'a b' }],
    ['an empty mid', { mid: '' }],
    ['a duplicate PT', { codecs: [{ pt: 0, name: 'PCMU', clockRate: 8000, channels: 1 }, { pt: 0, name: 'PCMA', clockRate: 8000, channels: 1 }] }],
    ['an unsupported codec', { codecs: [{ pt: 0, name: 'PCMU', clockRate: 16000, channels: 1 }] }],
    ['only telephone-event', { codecs: [{ pt: 126, name: 'telephone-event', clockRate: 8000, channels: 1 }] }],
    ['a PT over 127', { codecs: [{ pt: 128, name: 'PCMU', clockRate: 8000, channels: 1 }] }],
    ['a bad address', { address: 'localhost' }],
  ])('throws TypeError for %s', (_name, change) => {
    expect(() => buildOffer({ ...OFFER_PARAMS, ...change })).toThrow(TypeError);
  });

  it('parses back with our own parser', () => {
    const back = parseOffer(sdp);
    if (back instanceof VoiceError) throw back;
    expect(back.setup).toBe('actpass');
    expect(back.iceLite).toBe(true);
    expect(back.codecs.map((c) => `${c.pt} ${c.name}`)).toEqual(['111 opus', '0 PCMU', '8 PCMA', '126 telephone-event', '110 telephone-event']);
  });
});

describe("parseAnswer: Chrome's answer to our offer", () => {
  it('reads the PCMU-first answer with 0 candidates and a=setup:active', () => {
    expect(negotiated(CHROME_ANSWER)).toEqual({
      mid: '0',
      primary: { name: 'PCMU', pt: 0, clockRate: 8000, channels: 1 },
      telephoneEvent: { pt: 126, clockRate: 8000 },
      telephoneEvents: [{ pt: 126, clockRate: 8000 }],
      remoteSsrcs: [CHROME_SSRC],
      remoteIce: { ufrag: 'Pq4R', pwd: 'm2Nb5Vc8Rt1Wz4Xy7Qk3Jd9s' },
      localIce: { ufrag: OFFER_PARAMS.iceUfrag, pwd: OFFER_PARAMS.icePwd },
      remoteFingerprint: { algorithm: 'sha-256', value: CHROME_FINGERPRINT },
      remoteFingerprints: [{ algorithm: 'sha-256', value: CHROME_FINGERPRINT }],
      dtlsRole: 'server',
      direction: 'sendrecv',
    });
    expect(CHROME_ANSWER).toContain(`cname:${CHROME_CNAME}`);
  });

  it('takes the answer order: an Opus-first answer negotiates Opus and both telephone-events', () => {
    const opusFirst = CHROME_ANSWER.replace('0 111 8 126 110', '111 0 8 126 110');
    const media = negotiated(opusFirst);
    expect(media.primary).toEqual({ name: 'opus', pt: 111, clockRate: 48000, channels: 2 });
    expect(media.telephoneEvents).toEqual([
      { pt: 126, clockRate: 8000 },
      { pt: 110, clockRate: 48000 },
    ]);
    expect(media.telephoneEvent).toEqual({ pt: 126, clockRate: 8000 });
  });

  it('ignores answer codecs Denwa did not offer on that PT', () => {
    const remapped = edit(CHROME_ANSWER.replace('0 111 8 126 110', '9 109 8 126'), {
      'a=rtpmap:0 PCMU/8000': 'a=rtpmap:9 G722/8000',
      'a=rtpmap:111 opus/48000/2': 'a=rtpmap:109 opus/48000/2',
    });
    expect(negotiated(remapped).primary).toEqual({ name: 'PCMA', pt: 8, clockRate: 8000, channels: 1 });
  });

  it.each([
    ['active', false, 'server'],
    [null, false, 'server'],
    ['active', true, 'server'],
    ['passive', true, 'client'],
  ] as const)('a=setup:%s (dtlsClient %s) makes Denwa the DTLS %s', (setup, dtlsClient, role) => {
    const text = setup === null ? without(CHROME_ANSWER, 'a=setup') : edit(CHROME_ANSWER, { 'a=setup:active': `a=setup:${setup}` });
    expect(negotiated(text, { ...OFFER_PARAMS, dtlsClient }).dtlsRole).toBe(role);
  });

  it('turns the browser direction around', () => {
    expect(negotiated(edit(CHROME_ANSWER, { 'a=sendrecv': 'a=recvonly' })).direction).toBe('sendonly');
    expect(negotiated(edit(CHROME_ANSWER, { 'a=sendrecv': 'a=sendonly' })).direction).toBe('recvonly');
  });

  it('has no telephone-event when the offer had none', () => {
    const media = negotiated(CHROME_ANSWER, { ...OFFER_PARAMS, dtmf: false });
    expect(media.telephoneEvent).toBeNull();
    expect(media.telephoneEvents).toEqual([]);
  });

  const refusals: [string, string, SdpRefusalReason][] = [
    ['actpass in an answer', edit(CHROME_ANSWER, { 'a=setup:active': 'a=setup:actpass' }), 'bad-setup'],
    ['passive without dtlsClient', edit(CHROME_ANSWER, { 'a=setup:active': 'a=setup:passive' }), 'bad-setup'],
    ['a rejected audio m-line', CHROME_ANSWER.replace('m=audio 9', 'm=audio 0'), 'audio-rejected'],
    ['no audio m-line', CHROME_ANSWER.replace('m=audio 9', 'm=video 9'), 'no-audio'],
    ['no common codec', CHROME_ANSWER.replace('0 111 8 126 110', '126 110'), 'no-common-codec'],
    ['no fingerprint', without(CHROME_ANSWER, 'a=fingerprint'), 'no-fingerprint'],
    ['no ICE credentials', without(CHROME_ANSWER, 'a=ice-pwd'), 'no-ice-credentials'],
    ['no rtcp-mux', without(CHROME_ANSWER, 'a=rtcp-mux'), 'no-rtcp-mux'],
    ['plain RTP', CHROME_ANSWER.replace('UDP/TLS/RTP/SAVPF', 'RTP/AVP'), 'bad-protocol'],
    ['not SDP', 'answer', 'not-sdp'],
  ];

  it.each(refusals)('refuses %s', (_name, text, reason) => {
    const result = parseAnswer(text, OFFER_PARAMS);
    expect(result).toBeInstanceOf(VoiceError);
    expect((result as VoiceError).code).toBe(31400);
    expect(sdpRefusalReason(result)).toBe(reason);
  });

  it('round-trips: Denwa offer → an answer built from it → parseAnswer', () => {
    const offer = buildOffer(OFFER_PARAMS);
    const answer = offer.replace('a=setup:actpass', 'a=setup:active').replace('a=ice-lite\r\n', '');
    const media = negotiated(answer);
    expect(media.primary.name).toBe('opus');
    expect(media.dtlsRole).toBe('server');
    expect(media.remoteSsrcs).toEqual([OFFER_PARAMS.ssrc]);
  });
});
