// Headless Chromium (Debian's) driven by playwright-core, plus helpers that read what
// the user sees: the connection badge, canvas pixels, and the engine's test handle
// `window.__pulse` (transport, state, seqs, gaps, duplicates).
import { chromium } from 'playwright-core';

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Playwright turns the back-forward cache off; `{ bfcache: true }` keeps it, as in a user's browser.
 * `args` are more Chromium flags (e.g. `--ignore-certificate-errors-spki-list=` for a test certificate).
 */
export async function launchBrowser({ bfcache = false, args = [] } = {}) {
  const ignoreDefaultArgs = bfcache ? ['--disable-back-forward-cache'] : [];
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...FLAGS, ...args], ignoreDefaultArgs });
}

/** A new page with a console/page-error log, so failures show what the page said. */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  await page.goto(url);
  return page;
}

/** Waits until the badge says live over `transport`; returns ms from call to live. */
export async function waitLive(page, transport, timeoutMs = 15_000) {
  const started = Date.now();
  await page.waitForFunction(
    (want) => {
      const badge = document.querySelector('[data-testid="connection-badge"]');
      return badge && badge.dataset.state === 'live' && (!want || badge.dataset.transport === want);
    },
    transport,
    { timeout: timeoutMs, polling: 50 },
  );
  return Date.now() - started;
}

/** The engine's test handle, copied out of the page. */
export async function pulseState(page) {
  return page.evaluate(() => {
    const p = window.__pulse ?? {};
    return {
      transport: p.transport, state: p.state, epoch: p.epoch, lastSeq: p.lastSeq, frames: p.frames,
      duplicates: p.duplicates, gaps: p.gaps, seqs: Array.from(p.seqs ?? []), log: Array.from(p.log ?? []),
    };
  });
}

/** Waits until the engine has accepted more than `count` frames. */
export async function waitFrames(page, count, timeoutMs = 15_000) {
  await page.waitForFunction((n) => (window.__pulse?.frames ?? 0) > n, count, { timeout: timeoutMs, polling: 50 });
}

/** Opens `url`, waits until it is live over `transport` and has taken two more frames. */
export async function openLive(browser, url, transport, { timeoutMs = 20_000, viewport } = {}) {
  const page = await openPage(browser, url, viewport ? { viewport } : {});
  await waitLive(page, transport, timeoutMs);
  await waitFrames(page, (await pulseState(page)).frames + 2);
  return page;
}

/**
 * A fingerprint of every chart canvas's pixels (sum and count of painted pixels), keyed
 * by data-testid, and whether it is on screen (charts off screen are not drawn).
 */
export async function canvasFingerprints(page) {
  return page.evaluate(() => {
    const out = {};
    document.querySelectorAll('canvas[data-testid^="chart-"]').forEach((canvas, i) => {
      const key = canvas.dataset.testid ?? canvas.closest('[data-testid]')?.dataset.testid ?? `canvas-${i}`;
      const ctx = canvas.getContext('2d');
      const rect = canvas.getBoundingClientRect();
      const visible = rect.bottom > 0 && rect.top < window.innerHeight && rect.width > 0;
      if (!ctx || canvas.width === 0 || canvas.height === 0) {
        out[key] = { sum: 0, painted: 0, width: canvas.width, visible };
        return;
      }
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0;
      let painted = 0;
      for (let j = 0; j < data.length; j += 4) {
        if (data[j + 3] !== 0) painted += 1;
        sum = (sum + data[j] * 3 + data[j + 1] * 5 + data[j + 2] * 7 + j) % 2147483647;
      }
      out[key] = { sum, painted, width: canvas.width, visible };
    });
    return out;
  });
}

/** Asserts the seq log has no duplicate and no hole except at gap markers (-1). */
export function seqProblems(seqs) {
  const problems = [];
  for (let i = 1; i < seqs.length; i += 1) {
    const [a, b] = [seqs[i - 1], seqs[i]];
    if (a === -1 || b === -1) continue;
    if (b <= a) problems.push(`duplicate or backwards: ${a} then ${b}`);
    else if (b !== a + 1) problems.push(`hole: ${a} then ${b}`);
  }
  return problems;
}
