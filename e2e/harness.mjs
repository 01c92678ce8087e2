// The harness of the browser tests: starts the server binary ($HASHLAB_BIN,
// default target/debug/hashlab) on a free loopback port with `serve` and
// HASHLAB_ADDR, drives Debian's Chromium ($CHROMIUM, default
// /usr/bin/chromium) with playwright-core, and opens pages. Each test file
// calls `startHarness()` in `before` and `stopHarness()` in `after`.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.resolve(ROOT, process.env.HASHLAB_BIN ?? 'target/debug/hashlab');
export const SHOTS = path.join(ROOT, 'target/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-quic', '--no-first-run',
];
export const DESKTOP = { viewport: { width: 1280, height: 800 } };
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** What the harness started: the server's base URL, the browser, the chart ids (`GET /api/charts`), timings to print. */
export const h = { base: '', browser: null, chartIds: [], timings: {} };
let server;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch { /* not up yet */ }
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy after ${ms} ms`);
}

/** Starts the server and the browser. */
export async function startHarness() {
  mkdirSync(SHOTS, { recursive: true });
  const port = await freePort();
  h.base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['serve'], {
    cwd: ROOT,
    env: { ...process.env, HASHLAB_ADDR: `127.0.0.1:${port}`, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHealth(h.base, 60_000);
  h.chartIds = (await (await fetch(`${h.base}/api/charts`)).json()).map((chart) => chart.id);
  assert.equal(h.chartIds.length, 9, 'the page draws nine charts');
  h.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Stops the browser and the server, and prints the timings. */
export async function stopHarness() {
  await h.browser?.close();
  server?.kill('SIGTERM');
  console.log('\n--- timings ---');
  for (const [name, value] of Object.entries(h.timings)) console.log(`${name}: ${value}`);
}

/** Opens `url` in a new context and waits until the page is hydrated. */
export async function open(url, options = DESKTOP) {
  const context = await h.browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  return { context, page, errors };
}
