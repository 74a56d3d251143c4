// E2E harness: starts a real `jitgate serve` on a free loopback port over a fresh temp SQLite store,
// talks to its REST API with the bootstrap API key, and drives Debian's chromium with playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
// playwright-core is a devDependency of web/ (one lockfile for the portal and its browser tests).
const require = createRequire(path.join(repoRoot, 'web', 'package.json'));
const { chromium } = require('playwright-core');

export const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');
const binary = process.env.JITGATE_BIN ?? path.join(repoRoot, 'build', 'release', 'jitgate');
const webDir = process.env.JITGATE_WEB_DIR ?? path.join(repoRoot, 'web', 'dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A running jitgate with an admin; stop() kills it and removes its store. */
export async function startServer() {
  if (!existsSync(binary)) throw new Error(`jitgate binary not found at ${binary} (build it, or set JITGATE_BIN)`);
  if (!existsSync(path.join(webDir, 'index.html'))) throw new Error(`portal not built: ${webDir}/index.html missing (npm run build)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'jitgate-e2e-'));
  const db = `sqlite:${path.join(dir, 'jitgate.db')}`;
  const adminEmail = 'admin@e2e.test';
  const init = JSON.parse(execFileSync(binary, ['init', '--db', db, '--admin-email', adminEmail, '--json'], { encoding: 'utf8' }));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(binary, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web-dir', webDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jitgate serve exited with ${proc.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`jitgate did not become ready:\n${log}`);
    await sleep(100);
  }
  const api = makeApi(base, init.apiKey);
  return {
    base,
    admin: { id: init.userId, email: init.email, password: init.password },
    api,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      const exited = new Promise((r) => proc.once('exit', r));
      await Promise.race([exited, sleep(5000)]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal REST client with the bootstrap API key; throws with status and body on non-2xx. */
function makeApi(base, apiKey) {
  const call = async (method, p, body) => {
    const r = await fetch(`${base}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p} -> ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b),
    patch: (p, b) => call('PATCH', p, b),
    del: (p) => call('DELETE', p),
  };
}

/** Headless Debian chromium (Playwright gives each launch a fresh, empty --user-data-dir). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A new browser context and page that record console errors and page errors. `expectErrors(n)` allows
 * the next n "Failed to load resource" lines, for responses a test provokes on purpose (401, 400).
 */
export async function newPage(browser, base, opts = {}) {
  const context = await browser.newContext({
    baseURL: base,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    timezoneId: opts.timezoneId ?? 'Europe/Berlin',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  let allowed = 0;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (allowed > 0 && /Failed to load resource/.test(m.text())) {
      allowed--;
      return;
    }
    errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    consoleErrors: errors,
    expectErrors(n) {
      allowed += n;
    },
  };
}

export function ensureScreenshotDir() {
  mkdirSync(screenshotDir, { recursive: true });
}

export async function screenshot(page, name) {
  ensureScreenshotDir();
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

export async function signIn(page, email, password) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export { sleep };
