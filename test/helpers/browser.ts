import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, installed by scripts/setup-system.sh; playwright-core never downloads one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where e2e tests leave screenshots for a person to look at. */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is absent: run scripts/setup-system.sh (Debian package chromium)`;
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
