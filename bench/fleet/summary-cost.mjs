// What the fleet summary costs the hub for watching browsers: a hub (its own host
// sampled) with `pulse-fleet` playing N agents, then M WebSocket clients on
// `/api/v1/ws?host=@fleet` as a fleet page opens it. The hub's CPU (utime + stime
// from /proc) over the same window without and with the watchers, side by side, and
// the bytes each watcher receives. Writes bench/results/fleet-summary.md.
// Usage: node --experimental-websocket bench/fleet/summary-cost.mjs [--agents N] [--watchers M] [--seconds S] [--columns]
// (`--columns`: the watchers ask for the summary in columns, `columns=1`, as the page does; writes
// bench/results/fleet-summary-columns.md instead.)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { PulseServer, ROOT } from '../../e2e/lib/server.mjs';
import { playAgents } from './agents.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
};
const agents = arg('--agents', 1000);
const watchers = arg('--watchers', 100);
const seconds = arg('--seconds', 30);
const columns = process.argv.includes('--columns');
if (typeof WebSocket !== 'function') {
  console.error('run with node --experimental-websocket (Node 20) or Node 22+');
  process.exit(2);
}
setTimeout(() => { console.error('benchmark timed out'); process.exit(1); }, (seconds * 4 + 300) * 1000).unref();
const TOKEN = 'fleet-summary-bench';
const TICKS = 100; // USER_HZ on Linux

/** The hub's CPU seconds so far, from /proc/PID/stat. */
async function cpuSeconds(pid) {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const hub = await PulseServer.start({
  args: ['--interval', '1s', '--name', 'the-hub', '--agent-token', TOKEN, '--max-per-address', '0',
    '--max-connections', String(agents + watchers + 500)],
});
let fleet;
const sockets = [];
let doc;
try {
  fleet = await playAgents(hub, { agents, token: TOKEN, seconds: seconds * 4 + 60, label: 'summary cost' });
  await sleep(10_000); // every agent sending

  const without0 = await cpuSeconds(hub.child.pid);
  await sleep(seconds * 1000);
  const without = (await cpuSeconds(hub.child.pid)) - without0;

  let bytes = 0;
  let frames = 0;
  const wsUrl = `${hub.url.replace('http', 'ws')}/api/v1/ws?host=@fleet${columns ? '&columns=1' : ''}`;
  for (let i = 0; i < watchers; i += 1) {
    const socket = new WebSocket(wsUrl);
    socket.onmessage = (event) => {
      bytes += event.data.length;
      if (event.data.startsWith('{"type":"frame"')) frames += 1;
    };
    sockets.push(socket);
  }
  await sleep(5_000); // connected, hello and backlog sent
  const with0 = await cpuSeconds(hub.child.pid);
  const bytes0 = bytes;
  const frames0 = frames;
  await sleep(seconds * 1000);
  const withWatchers = (await cpuSeconds(hub.child.pid)) - with0;
  const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  const perBrowser = (bytes - bytes0) / watchers / seconds;
  const pct = (s) => `${((s / seconds) * 100).toFixed(1)} %`;
  doc = `Command: \`node --experimental-websocket bench/fleet/summary-cost.mjs --agents ${agents} --watchers ${watchers} --seconds ${seconds}${columns ? ' --columns' : ''}\`
(a hub sampling this machine at 1 Hz, \`pulse-fleet\` playing ${agents} agents at 1 Hz, then ${watchers} WebSocket clients on
\`/api/v1/ws?host=@fleet${columns ? '&columns=1' : ''}\`; hub CPU from /proc over ${seconds} s each, on a shared ${os.cpus().length}-core machine, load average ${os.loadavg()[0].toFixed(1)} at the end).

| | hub CPU (share of one core) | |
|---|---:|---|
| ${agents} agents, no fleet page open | ${pct(without)} | anchor, same run |
| the same, with ${watchers} fleet pages open (${open} still open at the end) | ${pct(withWatchers)} | |
| **cost of ${watchers} fleet pages** | **${pct(withWatchers - without)}** (${(((withWatchers - without) / seconds / watchers) * 1e6 / 1000).toFixed(2)} ms of CPU a second per page) | |
| summary frames each page got | ${((frames - frames0) / watchers / seconds).toFixed(2)} a second | |
| bytes each page received | ${(perBrowser / 1024).toFixed(1)} KiB/s (${(perBrowser / agents).toFixed(0)} B per host a second) | |

The summary is built once a second and written once as a WebSocket message, which the fan-out
sends to every page as it is; a page costs the hub a \`send\` of that message a second.
`;
} finally {
  for (const socket of sockets) socket.close();
  fleet?.kill('SIGTERM');
  await hub.stop();
}
await fs.writeFile(path.join(ROOT, `bench/results/fleet-summary${columns ? '-columns' : ''}.md`), doc);
console.log(doc);
