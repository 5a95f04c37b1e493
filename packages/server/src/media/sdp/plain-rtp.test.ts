/**
 * Plain RTP/AVP SDP for SIP legs: a baresip-like offer (static payload types without rtpmap, no
 * a=ssrc), carrier answers, hold forms (sendonly, inactive, c=0.0.0.0), SRTP refusals, and Denwa's
 * own offer and answer text.
 */
import { VoiceError } from '@denwa/protocol';
import { seededRandom } from '@denwa/testkit';
import { describe, expect, it } from 'vitest';
import {
  answerPlainRtp,
  parsePlainRtp,
  plainRtpOfferCodecs,
  readPlainRtpAnswer,
  sdpRefusalReason,
  writePlainRtp,
  type PlainRtpDescription,
  type PlainRtpMedia,
} from './index.ts';

const sdp = (lines: readonly string[]): string => `${lines.join('\r\n')}\r\n`;

/** What baresip sends by default (constructed): G.711 both laws, telephone-event 101, no a=ssrc. */
const BARESIP_OFFER = sdp([
  'v=0',
  'o=- 1804289383 846930886 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 40002 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'a=sendrecv',
]);

const LOCAL = { sessionId: '1700000000000', sessionVersion: 1, address: '203.0.113.5', port: 12000, rtcpPort: 12001 };

function parsed(text: string): PlainRtpDescription {
  const d = parsePlainRtp(text);
  if (d instanceof VoiceError) throw d;
  return d;
}

function negotiated(m: PlainRtpMedia | VoiceError): PlainRtpMedia {
  if (m instanceof VoiceError) throw m;
  return m;
}

describe('parsePlainRtp', () => {
  it('reads a baresip offer: address, port, codecs in order, RTCP at port + 1', () => {
    const d = parsed(BARESIP_OFFER);
    expect(d.address).toBe('192.0.2.10');
    expect(d.port).toBe(40002);
    expect(d.protocol).toBe('RTP/AVP');
    expect(d.direction).toBe('sendrecv');
    expect(d.codecs.map((c) => `${c.name}/${String(c.pt)}`)).toEqual(['PCMU/0', 'PCMA/8', 'telephone-event/101']);
  });

  it('accepts static payload types without rtpmap and skips codecs it does not know', () => {
    const d = parsed(sdp(['v=0', 'o=- 1 1 IN IP4 198.51.100.7', 's=-', 't=0 0', 'm=audio 5004 RTP/AVP 9 8 0 13', 'c=IN IP4 198.51.100.7']));
    expect(d.codecs.map((c) => c.name)).toEqual(['PCMA', 'PCMU']);
    expect(d.address).toBe('198.51.100.7');
  });

  it('reads a=rtcp with and without an address, and the media-level c= over the session one', () => {
    const d = parsed(BARESIP_OFFER.replace('a=ptime:20', 'a=rtcp:40013 IN IP4 192.0.2.11\r\nc=IN IP4 192.0.2.12'));
    expect(d.rtcp).toEqual({ port: 40013, address: '192.0.2.11' });
    expect(d.address).toBe('192.0.2.12');
    expect(parsed(BARESIP_OFFER.replace('a=ptime:20', 'a=rtcp:40013')).rtcp).toEqual({ port: 40013, address: null });
  });

  it.each([
    ['DTLS-SRTP', BARESIP_OFFER.replace('RTP/AVP', 'UDP/TLS/RTP/SAVPF'), 'bad-protocol', /DTLS-SRTP/],
    ['no c=', BARESIP_OFFER.replace('c=IN IP4 192.0.2.10\r\n', ''), 'no-connection', /no c=/],
    ['a host name in c=', BARESIP_OFFER.replace('c=IN IP4 192.0.2.10', 'c=IN IP4 pbx.example.com'), 'no-connection', /unicast/],
    ['only G.722', BARESIP_OFFER.replace('m=audio 40002 RTP/AVP 0 8 101', 'm=audio 40002 RTP/AVP 9 101'), 'no-common-codec', /Not Acceptable Here/],
    ['a disabled audio m-line', BARESIP_OFFER.replace('m=audio 40002', 'm=audio 0'), 'audio-rejected', /port 0/],
    ['not SDP', 'INVITE sip:bob@example.com SIP/2.0', 'not-sdp', /v=0/],
  ])('refuses %s with 31400', (_name, text, reason, message) => {
    const d = parsePlainRtp(text);
    expect(d).toBeInstanceOf(VoiceError);
    expect((d as VoiceError).code).toBe(31400);
    expect(sdpRefusalReason(d)).toBe(reason);
    expect((d as VoiceError).message).toMatch(message);
  });
});

describe('answerPlainRtp', () => {
  it('refuses RTP/SAVP without a usable a=crypto (and any RTP/SAVP when SRTP is off) with 31400', () => {
    const savp = parsed(BARESIP_OFFER.replace('RTP/AVP', 'RTP/SAVP'));
    expect(savp.protocol).toBe('RTP/SAVP');
    for (const policy of ['off', 'optional', 'required'] as const) {
      const refused = answerPlainRtp(savp, ['PCMU'], undefined, policy);
      expect(refused).toBeInstanceOf(VoiceError);
      expect(sdpRefusalReason(refused)).toBe('bad-protocol');
      expect((refused as VoiceError).message).toMatch(/SDES-SRTP/);
    }
    expect(negotiated(answerPlainRtp(parsed(BARESIP_OFFER), ['PCMU'])).srtp).toBeNull();
  });

  it('picks the first preferred codec on the offer\'s payload type, with telephone-event', () => {
    const m = negotiated(answerPlainRtp(parsed(BARESIP_OFFER), ['PCMU', 'PCMA']));
    expect(m.primary).toEqual({ name: 'PCMU', pt: 0, clockRate: 8000, channels: 1 });
    expect(m.telephoneEvent).toEqual({ pt: 101, clockRate: 8000 });
    expect(m.direction).toBe('sendrecv');
    expect(m.remote).toEqual({ address: '192.0.2.10', port: 40002, rtcpAddress: '192.0.2.10', rtcpPort: 40003 });
    expect(negotiated(answerPlainRtp(parsed(BARESIP_OFFER), ['PCMA'])).primary.name).toBe('PCMA');
  });

  it('keeps the codec in use on a re-offer that still has it', () => {
    const m = negotiated(answerPlainRtp(parsed(BARESIP_OFFER), ['PCMU', 'PCMA'], { name: 'PCMA', pt: 8, clockRate: 8000, channels: 1 }));
    expect(m.primary.name).toBe('PCMA');
  });

  it.each([
    ['a=sendonly', 'recvonly', 'sendonly'],
    ['a=inactive', 'inactive', 'inactive'],
    ['a=recvonly', 'sendonly', 'recvonly'],
  ])('answers a hold with %s as %s', (attr, answer, remote) => {
    const m = negotiated(answerPlainRtp(parsed(BARESIP_OFFER.replace('a=sendrecv', attr)), ['PCMU']));
    expect(m.direction).toBe(answer);
    expect(m.remoteDirection).toBe(remote);
  });

  it('takes c=0.0.0.0 as a hold: Denwa does not send', () => {
    const m = negotiated(answerPlainRtp(parsed(BARESIP_OFFER.replace('c=IN IP4 192.0.2.10', 'c=IN IP4 0.0.0.0')), ['PCMU']));
    expect(m.direction).toBe('recvonly');
    expect(m.remoteDirection).toBe('sendonly');
  });

  it('refuses an offer without any acceptable codec', () => {
    expect(sdpRefusalReason(answerPlainRtp(parsed(BARESIP_OFFER), ['opus']))).toBe('no-common-codec');
  });
});

describe('Denwa\'s SDP', () => {
  it('writes an answer: port, chosen codec, telephone-event 0-16, ptime, rtcp, no ICE/DTLS/ssrc', () => {
    const offer = parsed(BARESIP_OFFER);
    const m = negotiated(answerPlainRtp(offer, ['PCMU', 'PCMA']));
    const text = writePlainRtp(LOCAL, m.localCodecs, m.direction, offer);
    expect(text.split('\r\n')).toEqual([
      'v=0',
      'o=- 1700000000000 1 IN IP4 203.0.113.5',
      's=Denwa',
      'c=IN IP4 203.0.113.5',
      't=0 0',
      'm=audio 12000 RTP/AVP 0 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=rtcp:12001',
      'a=sendrecv',
      '',
    ]);
    expect(text).not.toMatch(/ice|fingerprint|ssrc|setup|rtcp-mux/);
  });

  it('rejects the other m-lines of an offer with port 0', () => {
    const offer = parsed(`${BARESIP_OFFER}m=video 40004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n`);
    const m = negotiated(answerPlainRtp(offer, ['PCMU']));
    expect(writePlainRtp(LOCAL, m.localCodecs, m.direction, offer)).toContain('\r\nm=video 0 RTP/AVP 96\r\n');
  });

  it('offers PCMU, PCMA and telephone-event 101, and reads the answer back', () => {
    const codecs = plainRtpOfferCodecs(['PCMU', 'PCMA']);
    const offer = writePlainRtp(LOCAL, codecs, 'sendrecv');
    expect(offer).toContain('m=audio 12000 RTP/AVP 0 8 101\r\n');
    // Denwa's offer parses as a SIP peer's offer too.
    expect(negotiated(answerPlainRtp(parsed(offer), ['PCMA'])).primary.name).toBe('PCMA');
    const answer = sdp(['v=0', 'o=- 5 5 IN IP4 192.0.2.20', 's=-', 'c=IN IP4 192.0.2.20', 't=0 0', 'm=audio 30000 RTP/AVP 8 96', 'a=rtpmap:96 telephone-event/8000']);
    const m = negotiated(readPlainRtpAnswer(answer, codecs));
    expect(m.primary.name).toBe('PCMA');
    // Denwa sends DTMF with the answer's number and accepts its own too.
    expect(m.telephoneEvent).toEqual({ pt: 96, clockRate: 8000 });
    expect(m.telephoneEventsIn.map((t) => t.pt).sort()).toEqual([101, 96].sort());
    expect(m.remote.port).toBe(30000);
  });

  it('refuses an answer with none of the offered codecs', () => {
    const answer = BARESIP_OFFER.replace('m=audio 40002 RTP/AVP 0 8 101', 'm=audio 40002 RTP/AVP 8 101');
    expect(sdpRefusalReason(readPlainRtpAnswer(answer, plainRtpOfferCodecs(['PCMU'])))).toBe('no-common-codec');
  });

  it('throws TypeError for a malformed local parameter', () => {
    expect(() => writePlainRtp({ ...LOCAL, address: 'example.com' }, plainRtpOfferCodecs([]), 'sendrecv')).toThrow(TypeError);
    expect(() => writePlainRtp({ ...LOCAL, port: 0 }, plainRtpOfferCodecs([]), 'sendrecv')).toThrow(TypeError);
  });
});

describe('fuzz: 2,000 mutated SIP offers', () => {
  it('never throws: a description whose answer parses back, or a 31400 refusal', () => {
    const random = seededRandom(0x51b_2026);
    const int = (n: number): number => Math.floor(random() * n);
    const lines = BARESIP_OFFER.trimEnd().split('\r\n');
    const noise = ['a=rtpmap:0', 'a=rtpmap:x y/z', 'c=IN IP4', 'c=IN IP6 ::1', 'm=audio 1 RTP/AVP', 'a=rtcp:99999 IN IP4 1.2.3.4', 'a=sendonly', 'c=IN IP4 0.0.0.0', '\u0000', 'a=fmtp:101 ' + 'x'.repeat(5000)];
    for (let i = 0; i < 2000; i++) {
      const mutated = [...lines];
      for (let k = 0; k <= int(4); k++) {
        const at = int(mutated.length);
        const op = int(4);
        if (op === 0) mutated.splice(at, 1);
        else if (op === 1) mutated.splice(at, 0, noise[int(noise.length)] ?? '');
        else if (op === 2) mutated[at] = (mutated[at] ?? '').slice(0, int(40));
        else mutated[at] = (mutated[at] ?? '').replace(/\d+/, String(int(70000)));
      }
      const text = mutated.join(random() < 0.5 ? '\r\n' : '\n');
      const d = parsePlainRtp(text);
      if (d instanceof VoiceError) {
        expect(d.code).toBe(31400);
        expect(sdpRefusalReason(d)).toBeDefined();
        continue;
      }
      const m = answerPlainRtp(d, ['PCMU', 'PCMA', 'opus']);
      if (m instanceof VoiceError) {
        expect(sdpRefusalReason(m)).toBe('no-common-codec');
        continue;
      }
      expect(parsePlainRtp(writePlainRtp(LOCAL, m.localCodecs, m.direction, d))).not.toBeInstanceOf(VoiceError);
    }
  });
});
