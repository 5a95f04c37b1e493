/**
 * Zero configuration against Denwa: an API key (to sign Access Tokens) and a TwiML App whose voice
 * URL is this quickstart's `/voice`, created through Denwa's Twilio-compatible REST API.
 */
import type { DenwaSettings } from './config.ts';

export interface Provisioned {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly twimlAppSid: string;
}

async function post(settings: DenwaSettings, path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const url = `${settings.denwaUrl}/2010-04-01/Accounts/${settings.accountSid}${path}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`Denwa refused POST ${path}: ${String(res.status)} ${typeof body['message'] === 'string' ? body['message'] : ''}`);
  return body;
}

export async function provisionDenwa(settings: DenwaSettings, voiceUrl: string): Promise<Provisioned> {
  const key = await post(settings, '/Keys.json', { FriendlyName: 'quickstart' });
  const app = await post(settings, '/Applications.json', { FriendlyName: 'quickstart', VoiceUrl: voiceUrl, VoiceMethod: 'POST' });
  const apiKey = key['sid'];
  const apiSecret = key['secret'];
  const twimlAppSid = app['sid'];
  if (typeof apiKey !== 'string' || typeof apiSecret !== 'string' || typeof twimlAppSid !== 'string') throw new Error('Denwa returned an unexpected key or application');
  return { apiKey, apiSecret, twimlAppSid };
}
