/** Debian's Chromium through playwright-core, with a fake microphone playing a tone WAV. */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['DENWA_CHROMIUM'] ?? '/usr/bin/chromium';

export interface Party {
  readonly browser: Browser;
  readonly page: Page;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchParty(toneWav: string, pageUrl: string): Promise<Party> {
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
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
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
