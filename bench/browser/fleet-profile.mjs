// Where the fleet page's main-thread time goes with N hosts: CDP's sampling
// profiler over N seconds of the overview (as in fleet-cost.mjs), summed by
// function as self time and as total time (a function and what it called), per
// summary. For finding what to make cheaper; writes nothing but its tables.
// Wasm functions have names only in a build that keeps its name section (Trunk's
// wasm-opt drops it): run wasm-bindgen on the unoptimised wasm and pass that site
// with --dist (see bench/results/fleet-page.notes.md for the recipe).
// Usage: node bench/browser/fleet-profile.mjs [--hosts N] [--seconds N] [--dist DIR]
import { launchBrowser, openPage, pulseState, waitFrames, waitLive } from '../../e2e/lib/browser.mjs';
import { ROOT } from '../../e2e/lib/server.mjs';
import { playAgents } from '../fleet/agents.mjs';
import { fleetHub } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const hosts = Number(arg('--hosts', 1000));
const seconds = Number(arg('--seconds', 15));
const dist = arg('--dist', `${ROOT}/dist`);
setTimeout(() => { console.error('profile timed out'); process.exit(1); }, (seconds * 3 + 300) * 1000).unref();
const TOKEN = 'fleet-page-profile';

const hub = await fleetHub({ hosts, token: TOKEN, dist });
let fleet;
let browser;
try {
  fleet = await playAgents(hub, { agents: hosts, token: TOKEN, seconds: seconds * 3 + 60, label: 'fleet profile' });
  browser = await launchBrowser();
  const page = await openPage(browser, 'about:blank', { viewport: { width: 1440, height: 1000 } });
  await page.goto(`${hub.url}/?view=fleet`);
  await waitLive(page, 'ws', 90_000);
  await page.waitForFunction((n) => /(\d+) hosts/.exec(document.querySelector('[data-testid="fleet-count"]')?.textContent ?? '')?.[1] >= n,
    hosts, { timeout: 30_000 });
  await waitFrames(page, (await pulseState(page)).frames + 3, 30_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const frames0 = (await pulseState(page)).frames;
  await cdp.send('Profiler.start');
  await page.waitForFunction((n) => (window.__pulse?.frames ?? 0) >= n, frames0 + seconds,
    { timeout: seconds * 2000 + 30_000, polling: 1000 });
  const { profile } = await cdp.send('Profiler.stop');
  const updates = (await pulseState(page)).frames - frames0;

  // Self time per node from the samples, then per function name; total time by
  // walking each sample's stack (a function counted once per sample).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'anonymous'})`;
  const self = new Map();
  const total = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const us = deltas[i + 1] ?? 0;
    const node = byId.get(id);
    self.set(name(node), (self.get(name(node)) ?? 0) + us);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const n = name(byId.get(at));
      if (!seen.has(n)) { seen.add(n); total.set(n, (total.get(n) ?? 0) + us); }
    }
  });
  const idle = new Set(['(idle)', '(program)', '(root)', '(garbage collector)']);
  const busy = [...self.entries()].filter(([n]) => !idle.has(n)).reduce((s, [, us]) => s + us, 0);
  const per = (us) => (us / 1000 / updates).toFixed(2);
  console.log(`${updates} summaries in ${seconds} s, ${hosts} hosts; sampled main thread busy ${per(busy)} ms per summary (GC ${per(self.get('(garbage collector)') ?? 0)}, program ${per(self.get('(program)') ?? 0)})`);
  console.log('\n| function (self) | ms per summary |\n|---|---:|');
  for (const [n, us] of [...self.entries()].filter(([k]) => !idle.has(k)).sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`| ${n.slice(0, 120)} | ${per(us)} |`);
  console.log('\n| function (total) | ms per summary |\n|---|---:|');
  for (const [n, us] of [...total.entries()].filter(([k]) => !idle.has(k)).sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`| ${n.slice(0, 120)} | ${per(us)} |`);
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  await page.context().close();
} finally {
  await browser?.close();
  fleet?.kill('SIGTERM');
  await hub.stop();
}
