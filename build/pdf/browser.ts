/**
 * Finds a Chromium to render with, installs Debian's when there is none and we may, and launches
 * it once for the whole build. puppeteer-core never downloads a browser.
 */
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { BookError } from '../errors.ts';

/** Environment variables that name a browser explicitly, in the order they are read. */
export const BROWSER_ENV = ['EBOOK_BROWSER', 'PUPPETEER_EXECUTABLE_PATH', 'CHROME_PATH'] as const;

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export type Log = (message: string) => void;

export function findBrowser(): string | undefined {
  for (const name of BROWSER_ENV) {
    const value = process.env[name];
    if (value) {
      if (!existsSync(value)) throw new BookError(`${name}=${value}, but there is no file there`);
      return value;
    }
  }
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return system;
  return fromPuppeteerCache();
}

/** A Chrome that puppeteer (or `npx @puppeteer/browsers install`) put in its cache earlier. */
function fromPuppeteerCache(): string | undefined {
  const cache = process.env.PUPPETEER_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'puppeteer');
  for (const product of ['chrome', 'chrome-headless-shell']) {
    const dir = path.join(cache, product);
    if (!existsSync(dir)) continue;
    for (const version of readdirSync(dir).sort().reverse()) {
      for (const rel of ['chrome-linux64/chrome', 'chrome-headless-shell-linux64/chrome-headless-shell']) {
        const candidate = path.join(dir, version, rel);
        if (existsSync(candidate)) return candidate;
      }
    }
  }
  return undefined;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Finds a browser, or installs Debian's chromium when running as root on a machine with apt-get. */
export function ensureBrowser(log: Log): string {
  const found = findBrowser();
  if (found) return found;
  if (process.platform === 'linux' && isRoot() && existsSync('/usr/bin/apt-get')) {
    log('No Chromium found: installing Debian\'s chromium package (apt-get install chromium)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (update.status === 0 && install.status === 0 && existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new BookError(
    [
      'No Chrome or Chromium found, and none could be installed.',
      'Install one and run the build again:',
      '  Debian/Ubuntu:  sudo apt-get install chromium',
      '  macOS:          install Google Chrome from google.com/chrome',
      `or point ${BROWSER_ENV[0]} at a Chrome/Chromium executable: ${BROWSER_ENV[0]}=/path/to/chrome npm run build`,
    ].join('\n'),
  );
}

/** Seconds a browser may take to start, or to load or print one part (EBOOK_TIMEOUT, default 120). */
export function browserTimeoutMs(): number {
  const seconds = Number(process.env.EBOOK_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 120_000;
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--font-render-hinting=none',
    '--disable-dev-shm-usage',
  ];
  // Chromium's sandbox refuses to start as root, and CI containers have no user namespaces.
  if (isRoot() || process.env.CI) args.push('--no-sandbox');
  try {
    const timeout = browserTimeoutMs();
    return await puppeteer.launch({ executablePath, headless: true, args, timeout, protocolTimeout: timeout + 60_000 });
  } catch (e) {
    throw new BookError(`the browser at ${executablePath} failed to start: ${(e as Error).message.split('\n')[0]}`);
  }
}
