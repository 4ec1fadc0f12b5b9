// Debian's Chromium driven by puppeteer-core: the one browser set-up of the browser tests and
// `npm run screenshot`. This machine's network is closed, so Chromium is started with every
// background connection turned off (it would otherwise hang on refused connections) and a
// fresh profile each time. Nothing is downloaded: puppeteer-core brings no browser.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

export const CHROMIUM = process.env.MYRIADC_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing() {
  return existsSync(CHROMIUM)
    ? undefined
    : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set MYRIADC_CHROMIUM); browser tests are skipped`;
}

/** Starts Chromium; `close()` ends it and removes its profile. */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), "myriadc-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
