import { VoiceError } from '@denwa/protocol';
import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { CHROME_FINGERPRINT, CHROME_OFFER, CHROME_PWD, CHROME_UFRAG, LOCAL, OTHER_FINGERPRINT, edit } from './fixtures.test-helper.ts';
import {
  buildAnswer,
  buildReinviteAnswer,
  isDtlsRestart,
  isIceRestart,
  parseOffer,
  type BuiltAnswer,
  type LocalMediaParams,
  type NegotiatedMedia,
  type ParsedOffer,
} from './index.ts';

function offerOf(text: string): ParsedOffer {
  const offer = parseOffer(text);
  if (offer instanceof VoiceError) throw offer;
  return offer;
}

function ok(result: BuiltAnswer | VoiceError): BuiltAnswer {
  if (result instanceof VoiceError) throw result;
  return result;
}

/** The SDK's `createOffer({iceRestart: true})`: new ufrag/pwd, next session version, same DTLS. */
function restartOffer(base: string = CHROME_OFFER): string {
  return edit(base, {
    'o=- 4215775240449105457 2 IN IP4 127.0.0.1': 'o=- 4215775240449105457 3 IN IP4 127.0.0.1',
    [`a=ice-ufrag:${CHROME_UFRAG}`]: 'a=ice-ufrag:R3st',
    [`a=ice-pwd:${CHROME_PWD}`]: 'a=ice-pwd:n3wPassw0rdAfterRestart',
  });
}

const RESTART_LOCAL: LocalMediaParams = { ...LOCAL, sessionVersion: 2, iceUfrag: 'nEwUfRaG', icePwd: 'NewLocalPasswordAbCdEf12' };

describe('ICE restart (reinvite)', () => {
  const first = ok(buildAnswer(offerOf(CHROME_OFFER), LOCAL));

  it('detects changed credentials and nothing else', () => {
    expect(isIceRestart(first.negotiated, offerOf(restartOffer()))).toBe(true);
    expect(isIceRestart(first.negotiated, offerOf(CHROME_OFFER))).toBe(false);
    expect(isIceRestart(first.negotiated, offerOf(CHROME_OFFER.replace(`a=ice-pwd:${CHROME_PWD}`, 'a=ice-pwd:onlyThePasswordChanged0')))).toBe(true);
    expect(isDtlsRestart(first.negotiated, offerOf(restartOffer()))).toBe(false);
    expect(isDtlsRestart(first.negotiated, offerOf(CHROME_OFFER.replace(CHROME_FINGERPRINT, OTHER_FINGERPRINT)))).toBe(true);
  });

  it('answers with the new local credentials, the same codec and the same DTLS role', () => {
    const { sdp, negotiated } = ok(buildReinviteAnswer(offerOf(restartOffer()), RESTART_LOCAL, first.negotiated));
    const audio = parse(sdp).media[0]!;
    expect(audio.iceUfrag).toBe('nEwUfRaG');
    expect(audio.icePwd).toBe('NewLocalPasswordAbCdEf12');
    expect(audio.setup).toBe('passive');
    expect(audio.candidates).toHaveLength(1);
    expect(audio.payloads).toBe('111 110 126');
    expect(sdp).toContain(`o=- ${LOCAL.sessionId} 2 IN IP4`);
    expect(negotiated).toEqual<NegotiatedMedia>({
      ...first.negotiated,
      remoteIce: { ufrag: 'R3st', pwd: 'n3wPassw0rdAfterRestart' },
      localIce: { ufrag: 'nEwUfRaG', pwd: 'NewLocalPasswordAbCdEf12' },
    });
  });

  it('refuses to reuse the local credentials for a restart (programmer error)', () => {
    expect(() => buildReinviteAnswer(offerOf(restartOffer()), { ...LOCAL, sessionVersion: 2 }, first.negotiated)).toThrow(TypeError);
    expect(() =>
      buildReinviteAnswer(offerOf(restartOffer()), { ...RESTART_LOCAL, icePwd: LOCAL.icePwd }, first.negotiated),
    ).toThrow(/new local ICE credentials/);
  });

  it('keeps the local credentials for a re-offer that is not a restart', () => {
    const again = ok(buildReinviteAnswer(offerOf(CHROME_OFFER), { ...LOCAL, sessionVersion: 2 }, first.negotiated));
    expect(again.negotiated).toEqual(first.negotiated);
  });

  it('keeps the primary codec even when the preferences would now choose another', () => {
    const pcmu = ok(buildAnswer(offerOf(CHROME_OFFER), { ...LOCAL, codecPreferences: ['PCMU', 'opus'] }));
    expect(pcmu.negotiated.primary.name).toBe('PCMU');
    const again = ok(buildReinviteAnswer(offerOf(restartOffer()), RESTART_LOCAL, pcmu.negotiated));
    expect(again.negotiated.primary).toEqual(pcmu.negotiated.primary);
    expect(again.negotiated.telephoneEvents).toEqual([{ pt: 126, clockRate: 8000 }]);
  });

  it('chooses again when the kept codec is gone from the offer', () => {
    const pcma = ok(buildAnswer(offerOf(CHROME_OFFER), { ...LOCAL, codecPreferences: ['PCMA'] }));
    const withoutPcma = restartOffer().replace('111 63 9 0 8 13 110 126', '111 0 126');
    const again = ok(buildReinviteAnswer(offerOf(withoutPcma), RESTART_LOCAL, pcma.negotiated));
    expect(again.negotiated.primary.name).toBe('opus');
  });

  it('keeps Denwa as DTLS client for an actpass re-offer after a passive offer (dtlsClient enabled)', () => {
    const clientLocal = { ...LOCAL, dtlsClient: true };
    const passive = ok(buildAnswer(offerOf(CHROME_OFFER.replace('a=setup:actpass', 'a=setup:passive')), clientLocal));
    expect(passive.negotiated.dtlsRole).toBe('client');
    const again = ok(buildReinviteAnswer(offerOf(restartOffer()), { ...RESTART_LOCAL, dtlsClient: true }, passive.negotiated));
    expect(parse(again.sdp).media[0]!.setup).toBe('active');
    expect(again.negotiated.dtlsRole).toBe('client');
    const forced = ok(
      buildReinviteAnswer(offerOf(restartOffer().replace('a=setup:actpass', 'a=setup:active')), { ...RESTART_LOCAL, dtlsClient: true }, passive.negotiated),
    );
    expect(forced.negotiated.dtlsRole).toBe('server');
  });
});
