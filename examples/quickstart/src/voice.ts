/** The TwiML App's voice URL, as in Twilio's quickstart: a phone number is dialed, anything else is a client. */
import twilio from 'twilio';

const PHONE = /^[\d+\-() ]+$/;

export function voiceTwiml(to: string | undefined, callerId: string): string {
  const response = new twilio.twiml.VoiceResponse();
  const target = (to ?? '').trim();
  if (target === '') {
    response.say('Thanks for calling!');
    return response.toString();
  }
  const dial = response.dial({ callerId });
  if (PHONE.test(target)) dial.number(target);
  else dial.client(target);
  return response.toString();
}

export function accessToken(options: { accountSid: string; apiKey: string; apiSecret: string; twimlAppSid: string; identity: string; ttlSec?: number }): string {
  const token = new twilio.jwt.AccessToken(options.accountSid, options.apiKey, options.apiSecret, { identity: options.identity, ttl: options.ttlSec ?? 3600 });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: options.twimlAppSid, incomingAllow: true }));
  return token.toJwt();
}

/** True when `signature` is Twilio's (or Denwa's) `X-Twilio-Signature` of this request. */
export function validSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  return signature !== undefined && twilio.validateRequest(authToken, signature, url, params);
}
