/**
 * `npm run quickstart`: the hands-on guide's softphone. Against a local Denwa (default) it creates its
 * API key and TwiML App first; with the `TWILIO_*` variables it runs against Twilio.
 */
import { loadConfig } from './config.ts';
import { provisionDenwa } from './provision.ts';
import { startQuickstart } from './server.ts';

const config = loadConfig(process.env);
const publicUrl = (port: number): string => (process.env['PUBLIC_URL'] ?? `http://${config.host}:${String(port)}`).replace(/\/+$/, '');
const backend = config.backend;
// The voice URL must be known before the server listens when the port is fixed; with PORT=0 it is set after.
let provisioned = null;
if (backend.mode === 'denwa') {
  if (config.port === 0) throw new Error('PORT=0 is not supported against Denwa: the TwiML App needs the voice URL up front');
  provisioned = await provisionDenwa(backend, `${publicUrl(config.port)}/voice`);
}
const quickstart = await startQuickstart(config, provisioned, publicUrl);
process.stdout.write(`quickstart ready: ${quickstart.url}/ (identity ${config.identity}, ${backend.mode === 'denwa' ? `Denwa at ${backend.denwaUrl}` : 'Twilio'})\n`);
process.on('SIGTERM', () => { void quickstart.close().then(() => process.exit(0)); });
process.on('SIGINT', () => { void quickstart.close().then(() => process.exit(0)); });
