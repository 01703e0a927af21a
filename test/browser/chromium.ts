import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator } from 'playwright-core';

/** Headless Debian chromium for the staff page tests and screenshots; absent binary means skip, with a reason. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * A browser test walks many pages in a real Chromium: on a busy 2-core machine one took 25 s,
 * past the suite's 20 s default, with every step passing. The time is for the walk; what each
 * step must show is unchanged.
 */
export const BROWSER_TEST_TIMEOUT = 120_000;
export const chromiumMissing: string | null = existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install -y chromium); browser tests skipped`;

export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'crc-chromium-'));
  // a fresh profile folder per run: no state carried between runs
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits (up to 5 s) until the locator's element holds the text; fails with what it held instead. */
export async function seen(locator: Locator, text: string | RegExp): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: 5000 });
  } catch {
    const held = await locator.allTextContents().catch(() => []);
    throw new Error(`expected ${String(text)} in ${locator.toString()}; it held: ${JSON.stringify(held).slice(0, 800)}`);
  }
}
