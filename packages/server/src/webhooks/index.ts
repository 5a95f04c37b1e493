/**
 * `webhooks/`: the HTTP client behind the call engine's `WebhookClient` port, and the
 * `X-Twilio-Signature` signer and validator.
 */
export { HttpWebhookClient, type HttpWebhookClientConfig } from './http-webhook-client.ts';
export { twilioSignature, validateTwilioSignature, type SignedParams } from './signature.ts';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
} from './defaults.ts';
