// Several hubs (`--redis`) through hub kills, with real processes: one real
// redis-server on 127.0.0.1, three hubs, real `pulse-server agent` processes.
//
//   kills   the agents know hubs 1 and 2 (`--hub` each); a watching client on hub 0,
//           which is never killed, records every seq of every host over
//           `/api/v1/ws`. Hub 1 or 2, at random, is SIGKILLed `--kills` times and
//           restarted on its port and store each time; at the end, per host: seqs
//           lost (never received), duplicated, explicit gaps.
//   move    a plain resuming WebSocket client (not the web app's engine: it retries
//           at once, with its cursor `epoch` + `since`) watches a host whose agent is
//           on hub 0; it reaches hubs 1 and 2 through nginx (upstream over the three
//           hubs: `Nginx.balance`, as e2e/tests/scale-out.test.mjs runs it) or directly, and
//           its hub is SIGKILLed `--moves` times: time from the kill to the client's
//           close (nginx or the client noticing), to the next hello, to the next
//           frame, and samples lost or duplicated across the move.
//
// Usage: node --experimental-websocket bench/redis/failover.mjs [--kills 20] [--moves 10]
// Writes bench/results/redis-failover.md.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Nginx } from '../../e2e/lib/nginx.mjs';
import { Redis } from '../../e2e/lib/redis.mjs';
import { PulseServer, ROOT } from '../../e2e/lib/server.mjs';

const TOKEN = 'bench-token';
const AGENTS = 3;
const INTERVAL_MS = 250;
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const KILLS = option('kills', 20);
const MOVES = option('moves', 10);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A hub that can be killed and started again on the same port and store. */
class Hub {
  constructor(redisUrl, extra = []) {
    this.data = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-hub-'));
    this.args = ['--no-local', '--public-read-only', '--agent-token', TOKEN, '--redis', redisUrl,
      '--data', this.data, ...extra];
  }

  async start() {
    this.server = await PulseServer.start({ listen: this.address ?? '127.0.0.1:0', args: this.args });
    this.address = this.server.address;
    this.url = this.server.url;
  }

  /** SIGKILL; resolves with the time the signal was sent. */
  async kill() {
    const exited = once(this.server.child, 'exit');
    const at = performance.now();
    this.server.child.kill('SIGKILL');
    await exited;
    return at;
  }

  async stop() {
    await this.server?.stop('SIGKILL');
    fs.rmSync(this.data, { recursive: true, force: true });
  }
}

/** A real agent process named `name`, knowing `hubs` in that order. */
function agent(name, hubs) {
  const child = spawn(path.join(ROOT, 'target/release/pulse-server'),
    ['agent', ...hubs.flatMap((hub) => ['--hub', hub.url]), '--name', name, '--interval', `${INTERVAL_MS}ms`],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PULSE_AGENT_TOKEN: TOKEN } });
  child.log = '';
  child.stderr.on('data', (chunk) => { child.log += chunk; });
  return child;
}

/**
 * A resuming WebSocket client of host `id`: every seq it is sent, the explicit gaps,
 * and a hook on each message. `urlFor(n)` is the n-th connection's base URL.
 */
class Watcher {
  constructor(id, urlFor) {
    Object.assign(this, { id, urlFor, seqs: [], gaps: 0, missed: 0, epoch: null, epochs: new Set(), opened: 0 });
    this.onMessage = () => {};
    this.onClose = () => {};
    this.stopped = false;
    this.open();
  }

  open() {
    const cursor = this.epoch && this.seqs.length ? `&epoch=${this.epoch}&since=${this.seqs.at(-1)}` : '';
    const socket = new WebSocket(`${this.urlFor(this.opened).replace(/^http/, 'ws')}/api/v1/ws?host=${this.id}${cursor}`);
    this.opened += 1;
    this.socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'hello') {
        this.epoch = message.epoch;
        this.epochs.add(message.epoch);
      } else if (message.type === 'frame') {
        this.seqs.push(message.seq);
      } else if (message.type === 'gap') {
        this.gaps += 1;
        this.missed += message.missed ?? 0;
      }
      this.onMessage(message);
    };
    socket.onclose = () => {
      this.onClose();
      if (!this.stopped) setTimeout(() => this.open(), 0);
    };
  }

  close() {
    this.stopped = true;
    this.socket.close();
  }

  /** Resolves on the first message `test` accepts (at most `ms`), with its time. */
  next(test, ms = 15_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.id}: nothing in ${ms} ms`)), ms);
      this.onMessage = (message) => {
        if (!test(message)) return;
        clearTimeout(timer);
        this.onMessage = () => {};
        resolve(performance.now());
      };
    });
  }

  /** Lost (never received between the first and last seq), duplicated, out of order. */
  tally() {
    const seen = new Set();
    let duplicated = 0;
    let late = 0;
    this.seqs.forEach((seq, i) => {
      if (seen.has(seq)) duplicated += 1;
      else if (i > 0 && seq < this.seqs[i - 1]) late += 1;
      seen.add(seq);
    });
    const first = Math.min(...this.seqs);
    const last = Math.max(...this.seqs);
    return { frames: this.seqs.length, first, last, lost: last - first + 1 - seen.size, duplicated, late,
      gaps: this.gaps, missed: this.missed, epochs: this.epochs.size };
  }
}

/** Waits (polling each 100 ms, at most 20 s) until every hub lists hosts `ids` as up. */
async function upEverywhere(hubs, ids) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const listed = await Promise.all(hubs.map(async (hub) => {
      const { hosts } = await (await fetch(`${hub.url}/api/v1/hosts`)).json();
      return ids.every((id) => hosts.some((host) => host.id === id && host.status === 'up'));
    }));
    if (listed.every(Boolean)) return;
    await sleep(100);
  }
  throw new Error(`hosts ${ids} are not up on every hub after 20 s`);
}

/** Which of hubs 1 and 2 holds the client's stream (their /healthz counts it), else 0 (hub 0 counts its agent too). */
async function hubHolding(hubs) {
  for (const at of [1, 2]) {
    if ((await (await fetch(`${hubs[at].url}/healthz`)).json()).connections > 0) return at;
  }
  return 0;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function kills(redis) {
  const hubs = [new Hub(redis.url), new Hub(redis.url), new Hub(redis.url)];
  for (const hub of hubs) await hub.start();
  const names = Array.from({ length: AGENTS }, (_, i) => `kills-${i}`);
  const agents = names.map((name, i) => agent(name, i % 2 ? [hubs[2], hubs[1]] : [hubs[1], hubs[2]]));
  try {
    await upEverywhere(hubs, names);
    const watchers = names.map((name) => new Watcher(name, () => hubs[0].url));
    await sleep(2_000);
    for (let kill = 0; kill < KILLS; kill += 1) {
      const hub = hubs[1 + Math.floor(Math.random() * 2)];
      await hub.kill();
      await sleep(200 + Math.random() * 1_000);
      await hub.start();
      await sleep(1_500 + Math.random() * 1_500);
    }
    // Every agent sends on, and what it buffered arrives: stop once each host's
    // newest seq has moved on by 20 samples (bounded: 30 s).
    const after = watchers.map((watcher) => watcher.seqs.at(-1));
    for (let attempt = 0; attempt < 300 && watchers.some((w, i) => w.seqs.at(-1) < after[i] + 20); attempt += 1) {
      await sleep(100);
    }
    watchers.forEach((watcher) => watcher.close());
    return names.map((name, i) => ({ name, reconnects: watchers[i].opened - 1, ...watchers[i].tally() }));
  } finally {
    for (const child of agents) child.kill('SIGKILL');
    for (const hub of hubs) await hub.stop();
  }
}

async function moves(redis, via) {
  const hubs = [new Hub(redis.url), new Hub(redis.url), new Hub(redis.url)];
  for (const hub of hubs) await hub.start();
  const proxy = via === 'nginx' ? await Nginx.balance(hubs.map((hub) => hub.address)) : null;
  // The agent stays on hub 0, which is never killed: the time measured is the
  // client's move alone. Its samples at 1 Hz, as a browser's page shows them.
  const child = spawn(path.join(ROOT, 'target/release/pulse-server'),
    ['agent', '--hub', hubs[0].url, '--name', 'moves', '--interval', '1s'],
    { stdio: 'ignore', env: { ...process.env, PULSE_AGENT_TOKEN: TOKEN } });
  const rows = [];
  try {
    await upEverywhere(hubs, ['moves']);
    // Direct: the client's n-th connection goes to hub 1 or 2 in turn.
    const watcher = new Watcher('moves', (n) => (proxy ? proxy.url : hubs[1 + (n % 2)].url));
    for (let move = 0; move < MOVES; move += 1) {
      await watcher.next((message) => message.type === 'frame');
      let at = await hubHolding(hubs);
      // Through nginx the client may have landed on hub 0 (the agent's): move it on.
      for (let tries = 0; at === 0 && tries < 5; tries += 1) {
        const back = watcher.next((message) => message.type === 'frame');
        watcher.socket.close();
        await back;
        at = await hubHolding(hubs);
      }
      if (at === 0) throw new Error('the client stays on hub 0 after 5 moves');
      let closedAt = 0;
      watcher.onClose = () => { closedAt = performance.now(); watcher.onClose = () => {}; };
      const hello = watcher.next((message) => message.type === 'hello')
        .then((helloAt) => watcher.next((message) => message.type === 'frame').then((frameAt) => [helloAt, frameAt]));
      // At a random point between two samples, not just after one.
      await sleep(Math.random() * 1_000);
      const killedAt = await hubs[at].kill();
      const [helloAt, frameAt] = await hello;
      rows.push({ closeMs: closedAt - killedAt, helloMs: helloAt - killedAt, frameMs: frameAt - killedAt,
        frameAfterCloseMs: frameAt - closedAt });
      await hubs[at].start();
      // nginx marks a failed upstream down for fail_timeout (30 s): no wait for it.
      await sleep(1_500);
    }
    watcher.close();
    return { via, rows, ...watcher.tally() };
  } finally {
    child.kill('SIGKILL');
    await proxy?.stop();
    for (const hub of hubs) await hub.stop();
  }
}

const redis = await Redis.start();
let kept;
let moved;
try {
  kept = await kills(redis);
  moved = [await moves(redis, 'nginx'), await moves(redis, 'direct')];
} finally {
  await redis.stop();
}

const ms = (value) => `${Math.round(value)}`;
const load = os.loadavg().map((value) => value.toFixed(1)).join(', ');
const lines = [
  `Machine: ${os.hostname()}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} cores, `
    + `load average at the end ${load} (shared with other builds and runs). Command: \`./pulse bench redis-failover\` `
    + '(`node --experimental-websocket bench/redis/failover.mjs [--kills 20] [--moves 10]`).',
  '',
  `**Samples lost across ${KILLS} hub kills.** One redis-server, three hubs; ${AGENTS} real agents at ${INTERVAL_MS} ms, `
    + 'each with hubs 1 and 2 as `--hub`; a WebSocket client on hub 0 (never killed) records every seq. Hub 1 or 2 at '
    + `random is SIGKILLed ${KILLS} times and restarted on its port and store 0.2–1.2 s later, 1.5–3 s between kills.`,
  '',
  '| host | frames received | seqs | lost | duplicated | out of order | explicit gaps | epochs | client reconnects |',
  '|---|---|---|---|---|---|---|---|---|',
  ...kept.map((row) => `| ${row.name} | ${row.frames} | ${row.first}–${row.last} | ${row.lost} | ${row.duplicated} | `
    + `${row.late} | ${row.gaps} | ${row.epochs} | ${row.reconnects} |`),
  '',
  `**A client's hub dies: time to live again.** A plain resuming WebSocket client (reconnects at once with its `
    + 'cursor; the web app\'s engine adds its own retry delay, see the connection section) watches a host whose agent '
    + `is on hub 0; its hub (1 or 2) is SIGKILLed ${MOVES} times. Times from the kill, in ms: to the client's close `
    + '(nginx, or the client, noticing), to the next hub\'s hello, to the next frame; and from the close to the next frame. '
    + 'The kill falls at a random point between two samples at 1 Hz, so the next frame comes up to 1 s after the hello '
    + '(live again: the hello, the resumed stream open on the next hub).',
  '',
  '| via | kill → close p50 / max | kill → hello p50 / max | kill → frame p50 / max | close → frame p50 / max | lost | duplicated | gaps |',
  '|---|---|---|---|---|---|---|---|',
  ...moved.map((run) => {
    const pair = (key) => `${ms(percentile(run.rows.map((row) => row[key]), 50))} / ${ms(Math.max(...run.rows.map((row) => row[key])))}`;
    return `| ${run.via} | ${pair('closeMs')} | ${pair('helloMs')} | ${pair('frameMs')} | ${pair('frameAfterCloseMs')} | `
      + `${run.lost} | ${run.duplicated} | ${run.gaps} |`;
  }),
];
fs.writeFileSync(path.join(ROOT, 'bench/results/redis-failover.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
