import { VoiceError } from '@denwa/protocol';
import { describe, expect, it } from 'vitest';
import {
  CHROME_CNAME,
  CHROME_FINGERPRINT,
  CHROME_OFFER,
  CHROME_PCMU_OFFER,
  CHROME_PWD,
  CHROME_SSRC,
  CHROME_UFRAG,
  CHROME_VIDEO_OFFER,
  FIREFOX_FINGERPRINT,
  FIREFOX_OFFER,
  LEGACY_1X_OFFER,
  SHA1_FINGERPRINT,
  edit,
  sdp,
  without,
} from './fixtures.test-helper.ts';
import { MAX_SDP_LENGTH, parseOffer, sdpRefusalReason, type ParsedOffer, type SdpRefusalReason } from './index.ts';

function parsed(text: string): ParsedOffer {
  const result = parseOffer(text);
  if (result instanceof VoiceError) throw result;
  return result;
}

const pts = (offer: ParsedOffer): string[] => offer.codecs.map((c) => `${c.pt} ${c.name}/${c.clockRate}/${c.channels}`);

describe('parseOffer: browser offers', () => {
  it('reads a 2.x Chromium offer (0 candidates, actpass, BUNDLE 0)', () => {
    const offer = parsed(CHROME_OFFER);
    expect(offer.origin).toEqual({ sessionId: '4215775240449105457', sessionVersion: '2' });
    expect(offer.iceLite).toBe(false);
    expect(offer.bundle).toEqual(['0']);
    expect(offer.media).toEqual([
      { type: 'audio', port: 9, protocol: 'UDP/TLS/RTP/SAVPF', formats: ['111', '63', '9', '0', '8', '13', '110', '126'], mid: '0' },
    ]);
    expect(offer.audioIndex).toBe(0);
    expect(offer.mid).toBe('0');
    expect(offer.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(offer.ice).toEqual({ ufrag: CHROME_UFRAG, pwd: CHROME_PWD });
    expect(offer.iceOptions).toEqual(['trickle']);
    expect(offer.fingerprint).toEqual({ algorithm: 'sha-256', value: CHROME_FINGERPRINT });
    expect(offer.fingerprints).toEqual([offer.fingerprint]);
    expect(offer.setup).toBe('actpass');
    expect(offer.rtcpRsize).toBe(true);
    expect(offer.direction).toBe('sendrecv');
    expect(pts(offer)).toEqual([
      '111 opus/48000/2',
      '0 PCMU/8000/1',
      '8 PCMA/8000/1',
      '110 telephone-event/48000/1',
      '126 telephone-event/8000/1',
    ]);
    expect(offer.codecs[0]).toMatchObject({ fmtp: 'minptime=10;useinbandfec=1', rtcpFb: ['transport-cc'] });
    expect(offer.codecs[1]).toMatchObject({ fmtp: null, rtcpFb: [] });
    expect(offer.ssrcs).toEqual([
      { ssrc: CHROME_SSRC, cname: CHROME_CNAME, msid: '5b0e6f7a-3c1d-4e2f-9a8b-7c6d5e4f3a2b c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f' },
    ]);
    expect(offer.candidates).toEqual([]);
    expect(offer.endOfCandidates).toBe(false);
    expect(offer.extmap.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(offer.extmap[3]).toEqual({ id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', direction: null });
  });

  it('keeps the m-line order of a PCMU-first offer (SDK default codecPreferences)', () => {
    expect(pts(parsed(CHROME_PCMU_OFFER)).slice(0, 3)).toEqual(['0 PCMU/8000/1', '111 opus/48000/2', '8 PCMA/8000/1']);
  });

  it('reads a 1.x plan-b era offer (mid "audio", ISAC ignored, ssrc attributes)', () => {
    const offer = parsed(LEGACY_1X_OFFER);
    expect(offer.mid).toBe('audio');
    expect(offer.bundle).toEqual(['audio']);
    expect(pts(offer)).toEqual([
      '0 PCMU/8000/1',
      '111 opus/48000/2',
      '8 PCMA/8000/1',
      '110 telephone-event/48000/1',
      '126 telephone-event/8000/1',
    ]);
    expect(offer.ssrcs).toHaveLength(1);
    expect(offer.ssrcs[0]).toMatchObject({ ssrc: 2865120452, cname: 'hS3t9Vb1Qz7Kx2Lm' });
    expect(offer.rtcpRsize).toBe(false);
  });

  it('reads a Firefox offer (session-level fingerprint and ice-options, extmap direction)', () => {
    const offer = parsed(FIREFOX_OFFER);
    expect(offer.fingerprint.value).toBe(FIREFOX_FINGERPRINT);
    expect(offer.iceOptions).toEqual(['trickle']);
    expect(offer.ice).toEqual({ ufrag: '9b3c7e1a', pwd: '7d7a9f1b0c3e4d5f6a7b8c9d0e1f2a3b' });
    expect(pts(offer)).toEqual(['109 opus/48000/2', '0 PCMU/8000/1', '8 PCMA/8000/1', '101 telephone-event/8000/1']);
    expect(offer.codecs[3]?.fmtp).toBe('0-15');
    expect(offer.extmap[1]).toEqual({ id: 2, uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level', direction: 'recvonly' });
    expect(offer.origin).toEqual({ sessionId: '5764390245120391264', sessionVersion: '0' });
  });

  it('takes session-level ICE credentials and lets media-level ones win', () => {
    const sessionLevel = without(CHROME_OFFER, 'a=ice-ufrag', 'a=ice-pwd').replace(
      't=0 0\r\n',
      't=0 0\r\na=ice-ufrag:sEsS\r\na=ice-pwd:sessionLevelPassword0123\r\n',
    );
    expect(parsed(sessionLevel).ice).toEqual({ ufrag: 'sEsS', pwd: 'sessionLevelPassword0123' });
    const both = CHROME_OFFER.replace('t=0 0\r\n', 't=0 0\r\na=ice-ufrag:sEsS\r\na=ice-pwd:sessionLevelPassword0123\r\n');
    expect(parsed(both).ice).toEqual({ ufrag: CHROME_UFRAG, pwd: CHROME_PWD });
  });

  it('keeps every fingerprint and the algorithm, picking the sha-256 one', () => {
    const two = edit(CHROME_OFFER, {
      [`a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`]: `a=fingerprint:SHA-1 ${SHA1_FINGERPRINT}\r\na=fingerprint:sha-256 ${CHROME_FINGERPRINT.toLowerCase()}`,
    });
    const offer = parsed(two);
    expect(offer.fingerprints).toEqual([
      { algorithm: 'sha-1', value: SHA1_FINGERPRINT },
      { algorithm: 'sha-256', value: CHROME_FINGERPRINT },
    ]);
    expect(offer.fingerprint).toEqual({ algorithm: 'sha-256', value: CHROME_FINGERPRINT });
  });

  it('finds the audio m-line after a video one and lists every m-line', () => {
    const offer = parsed(CHROME_VIDEO_OFFER);
    expect(offer.media.map((m) => `${m.type}:${m.mid ?? ''}:${m.port}`)).toEqual(['audio:0:9', 'video:1:9']);
    expect(offer.bundle).toEqual(['0', '1']);
    const videoFirst = parsed(
      sdp([
        'v=0',
        'o=- 1 1 IN IP4 0.0.0.0',
        's=-',
        't=0 0',
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        'a=mid:v',
        'a=rtpmap:96 VP8/90000',
        ...CHROME_OFFER.split('\r\n').slice(CHROME_OFFER.split('\r\n').findIndex((l) => l.startsWith('m=audio'))),
      ]),
    );
    expect(videoFirst.audioIndex).toBe(1);
    expect(videoFirst.mid).toBe('0');
    expect(videoFirst.bundle).toBeNull();
  });

  it('skips a disabled audio m-line for a later enabled one', () => {
    const offer = parsed(CHROME_OFFER.replace('m=audio 9 ', 'm=audio 0 UDP/TLS/RTP/SAVPF 0\r\na=mid:old\r\nm=audio 9 '));
    expect(offer.audioIndex).toBe(1);
    expect(offer.media[0]).toMatchObject({ port: 0, mid: 'old' });
  });

  it('reads candidates of a resume or restarted offer', () => {
    const withCandidates = CHROME_OFFER.replace(
      'a=ice-options:trickle\r\n',
      [
        'a=ice-options:trickle',
        'a=candidate:2999745851 1 udp 2122260223 192.168.1.20 54321 typ host generation 0 network-id 1',
        'a=candidate:1467250027 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0',
        'a=candidate:842163049 1 udp 1686052607 198.51.100.7 61000 typ srflx raddr 192.168.1.20 rport 54321 generation 0',
        'a=candidate:4233069003 1 UDP 2122194687 6d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a.local 50000 typ host',
        'a=candidate:bad 1 udp 1 1.2.3.4 5 typ weird',
        'a=end-of-candidates',
        '',
      ].join('\r\n'),
    );
    const offer = parsed(withCandidates);
    expect(offer.candidates).toHaveLength(4);
    expect(offer.candidates[0]).toEqual({
      foundation: '2999745851',
      component: 1,
      transport: 'udp',
      priority: 2122260223,
      address: '192.168.1.20',
      port: 54321,
      type: 'host',
      relatedAddress: null,
      relatedPort: null,
      tcpType: null,
    });
    expect(offer.candidates[1]).toMatchObject({ transport: 'tcp', tcpType: 'active' });
    expect(offer.candidates[2]).toMatchObject({ type: 'srflx', relatedAddress: '192.168.1.20', relatedPort: 54321 });
    expect(offer.candidates[3]).toMatchObject({ transport: 'udp', address: '6d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a.local' });
    expect(offer.endOfCandidates).toBe(true);
  });

  it('knows static PCMU/PCMA without rtpmap and ignores rtpmaps of PTs not on the m-line', () => {
    const offer = parsed(
      without(CHROME_OFFER, 'a=rtpmap:0 ', 'a=rtpmap:8 ').replace('111 63 9 0 8 13 110 126', '0 8 126'),
    );
    expect(pts(offer)).toEqual(['0 PCMU/8000/1', '8 PCMA/8000/1', '126 telephone-event/8000/1']);
  });

  it('ignores Opus without /2 and codecs with the wrong rate', () => {
    const offer = parsed(
      edit(CHROME_OFFER, { 'a=rtpmap:111 opus/48000/2': 'a=rtpmap:111 opus/48000', 'a=rtpmap:8 PCMA/8000': 'a=rtpmap:8 PCMA/16000' }),
    );
    expect(pts(offer)).toEqual(['0 PCMU/8000/1', '110 telephone-event/48000/1', '126 telephone-event/8000/1']);
  });

  it('accepts LF line endings, a leading blank line, the legacy RTP/SAVPF and numeric-looking values', () => {
    const offer = parsed(
      `\n${CHROME_OFFER.replaceAll('\r\n', '\n')}`
        .replace('UDP/TLS/RTP/SAVPF', 'RTP/SAVPF')
        .replace(`a=ice-ufrag:${CHROME_UFRAG}`, 'a=ice-ufrag:0123'),
    );
    expect(offer.protocol).toBe('RTP/SAVPF');
    expect(offer.ice.ufrag).toBe('0123');
  });

  it('reads direction and setup at session level, and no setup as null', () => {
    const sessionDir = without(CHROME_OFFER, 'a=sendrecv', 'a=setup').replace('t=0 0\r\n', 't=0 0\r\na=sendonly\r\n');
    const offer = parsed(sessionDir);
    expect(offer.direction).toBe('sendonly');
    expect(offer.setup).toBeNull();
    expect(parsed(edit(CHROME_OFFER, { 'a=sendrecv': 'a=inactive' })).direction).toBe('inactive');
  });
});

describe('parseOffer: refusals (31400 with a precise reason)', () => {
  const big = CHROME_OFFER + `a=x-pad:${'x'.repeat(MAX_SDP_LENGTH)}\r\n`;
  const cases: [string, string, SdpRefusalReason, RegExp][] = [
    ['over-size input', big, 'too-large', /more than 65536/],
    ['empty string', '', 'not-sdp', /not an SDP body/],
    ['JSON', '{"type":"offer","sdp":"v=0"}', 'not-sdp', /not an SDP body/],
    ['v=1', CHROME_OFFER.replace('v=0', 'v=1'), 'not-sdp', /first line is not v=0/],
    ['no m-line', sdp(['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0']), 'no-audio', /no m-line/],
    [
      'video only',
      CHROME_VIDEO_OFFER.replace('m=audio 9 UDP/TLS/RTP/SAVPF', 'm=text 9 UDP/TLS/RTP/SAVPF'),
      'no-audio',
      /no audio m-line \(only text, video\)/,
    ],
    ['disabled audio', CHROME_OFFER.replace('m=audio 9', 'm=audio 0'), 'audio-rejected', /port 0/],
    ['RTP/AVP', CHROME_OFFER.replace('UDP/TLS/RTP/SAVPF', 'RTP/AVP'), 'bad-protocol', /uses RTP\/AVP; WebRTC needs UDP\/TLS\/RTP\/SAVPF/],
    ['SDES RTP/SAVP', CHROME_OFFER.replace('UDP/TLS/RTP/SAVPF', 'RTP/SAVP'), 'bad-protocol', /RTP\/SAVP/],
    ['malformed m-line', CHROME_OFFER.replace('m=audio 9', 'm=audio nine'), 'bad-media-line', /malformed m-line/],
    ['m-line without formats', CHROME_OFFER.replace('111 63 9 0 8 13 110 126', ''), 'bad-media-line', /malformed m-line/],
    ['malformed mid', CHROME_OFFER.replace('a=mid:0', 'a=mid:(0)'), 'bad-mid', /malformed a=mid/],
    ['no ICE ufrag', without(CHROME_OFFER, 'a=ice-ufrag'), 'no-ice-credentials', /no a=ice-ufrag and a=ice-pwd/],
    ['no ICE pwd', without(CHROME_OFFER, 'a=ice-pwd'), 'no-ice-credentials', /no a=ice-ufrag/],
    ['short ufrag', CHROME_OFFER.replace(`a=ice-ufrag:${CHROME_UFRAG}`, 'a=ice-ufrag:ab'), 'bad-ice-credentials', /ice-ufrag/],
    ['short pwd', CHROME_OFFER.replace(`a=ice-pwd:${CHROME_PWD}`, 'a=ice-pwd:short'), 'bad-ice-credentials', /ice-pwd/],
    ['no fingerprint', without(CHROME_OFFER, 'a=fingerprint'), 'no-fingerprint', /no a=fingerprint/],
    [
      'sha-1 only',
      CHROME_OFFER.replace(`a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`, `a=fingerprint:sha-1 ${SHA1_FINGERPRINT}`),
      'no-sha256-fingerprint',
      /only sha-1 fingerprints; sha-256 is required/,
    ],
    [
      'short sha-256',
      CHROME_OFFER.replace(`a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`, `a=fingerprint:sha-256 ${SHA1_FINGERPRINT}`),
      'bad-fingerprint',
      /32 colon-separated hex bytes/,
    ],
    ['garbage fingerprint', CHROME_OFFER.replace(`a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`, 'a=fingerprint:zz'), 'bad-fingerprint', /malformed/],
    ['no rtcp-mux', without(CHROME_OFFER, 'a=rtcp-mux'), 'no-rtcp-mux', /no a=rtcp-mux/],
    ['holdconn', CHROME_OFFER.replace('a=setup:actpass', 'a=setup:holdconn'), 'bad-setup', /holdconn is not actpass/],
    [
      'no common codec',
      CHROME_OFFER.replace('111 63 9 0 8 13 110 126', '63 9 13 126'),
      'no-common-codec',
      /^Bad Request: Not Acceptable Here: no common audio codec$/,
    ],
  ];

  it.each(cases)('%s', (_name, text, reason, message) => {
    const result = parseOffer(text);
    expect(result).toBeInstanceOf(VoiceError);
    const error = result as VoiceError;
    expect(error.code).toBe(31400);
    expect(error.httpStatus).toBe(400);
    expect(sdpRefusalReason(error)).toBe(reason);
    expect(error.message).toMatch(message);
  });

  it('never throws for non-string input from JavaScript callers', () => {
    const values: unknown[] = [undefined, null, 42, {}, ['v=0']];
    for (const value of values) {
      const result = parseOffer(value as string);
      expect(result).toBeInstanceOf(VoiceError);
      expect(sdpRefusalReason(result)).toBeDefined();
    }
  });

  it('sends no control characters back in messages', () => {
    const result = parseOffer(CHROME_OFFER.replace('m=audio 9', 'm=audio \u0007\u001b[31m'));
    expect(result).toBeInstanceOf(VoiceError);
    expect((result as VoiceError).message).toMatch(/^[ -~]+$/);
  });
});
