// What the browser benchmarks share: the script injected before the app loads,
// CDP's performance metrics as an object, and the fleet page's hub.
import { PulseServer } from '../../e2e/lib/server.mjs';

/** A hub sampling this machine at 1 Hz that takes `hosts` agents with `token`, serving the site in `dist`. */
export function fleetHub({ hosts, token, dist }) {
  return PulseServer.start({
    dist,
    args: ['--interval', '1s', '--name', 'the-hub', '--agent-token', token, '--max-per-address', '0',
      '--max-connections', String(hosts + 500)],
  });
}

/** Injected before the app: long tasks from page start, and the wasm instance's exports. */
export function instrument() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  // What the DOM changes per update (text, attributes, nodes), by the nearest data-testid.
  window.__mutations = {};
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const key = `${el?.closest('[data-testid]')?.dataset.testid ?? el?.tagName?.toLowerCase() ?? '?'} ${r.type === 'attributes' ? `@${r.attributeName}` : r.type}`;
      window.__mutations[key] = (window.__mutations[key] ?? 0) + 1;
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  // Trunk's loader announces the instance; its exports include the linear memory.
  addEventListener('TrunkApplicationStarted', (event) => { window.__wasm = event.detail?.wasm; });
}


/** CDP `Performance.getMetrics` as `{ name: value }`. */
export async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}
