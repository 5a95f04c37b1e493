/** Debian's Chromium through playwright-core, with a fake microphone playing a tone WAV. */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['DENWA_CHROMIUM'] ?? '/usr/bin/chromium';

export interface Party {
  readonly browser: Browser;
  readonly page: Page;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface PartyOptions {
  /** HTTP Basic credentials for the page's origin. */
  readonly httpCredentials?: { readonly username: string; readonly password: string };
  /** Runs in every page before its own scripts. */
  readonly initScript?: string;
}

/**
 * Records what the page does with audio elements into `window.__media`: each `setSinkId` and
 * `play` with the element's source (`stream` for a MediaStream), sink and volume.
 */
export const MEDIA_RECORDER = `(() => {
  const media = window.__media = [];
  const proto = HTMLMediaElement.prototype;
  const source = (el) => el.srcObject ? 'stream' : (el.src || '');
  const sink = proto.setSinkId;
  const play = proto.play;
  proto.setSinkId = function (id) { media.push({ op: 'sink', id, src: source(this), volume: this.volume }); return sink.call(this, id); };
  proto.play = function () { media.push({ op: 'play', id: this.sinkId, src: source(this), volume: this.volume }); return play.call(this); };
})();`;

export async function launchParty(toneWav: string, pageUrl: string, options: PartyOptions = {}): Promise<Party> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${toneWav}`, '--allow-loopback-in-peer-connection', '--ignore-certificate-errors',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, ...(options.httpCredentials === undefined ? {} : { httpCredentials: { ...options.httpCredentials } }) });
  if (options.initScript !== undefined) await context.addInitScript(options.initScript);
  const open = async (): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(pageUrl);
    return page;
  };
  const page = await open();
  return { browser, page, newPage: open, close: () => browser.close() };
}

/** Polls `fn` in the page until it returns a truthy value or `ms` pass. */
export async function waitInPage<T>(page: Page, fn: string, ms: number): Promise<T> {
  const handle = await page.waitForFunction(fn, undefined, { timeout: ms, polling: 50 });
  return (await handle.jsonValue()) as T;
}
