// Plays N agents against a hub for the JavaScript benchmarks: `pulse-fleet` sending
// the hub's own real frames (its first few samples, read back from /api/v1/poll),
// until every agent is listed `up`.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { ROOT } from '../../e2e/lib/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `agents` agents on `hub` (a PulseServer taking `token`) for `seconds`; resolves
 * with the `pulse-fleet` process once all are up (bounded: 120 looks, a second apart).
 */
export async function playAgents(hub, { agents, token, seconds, label }) {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-agents-'));
  // A real host's stream for the agents to send: the hub's own, after 5 samples.
  await sleep(5_000);
  const first = await (await fetch(`${hub.url}/api/v1/poll`)).text();
  const { epoch } = JSON.parse(first);
  const rest = await (await fetch(`${hub.url}/api/v1/poll?epoch=${epoch}&since=0`)).text();
  const sample = path.join(work, 'poll.json');
  await fs.writeFile(sample, `${first}\n${rest}\n`);
  const fleet = spawn(path.join(ROOT, 'target/release/pulse-fleet'), ['--url', `${hub.url}/`, '--sample', sample,
    '--token', token, '--agents', String(agents), '--watchers', '0', '--sources', '2', '--warmup', '5',
    '--duration', String(seconds), '--label', label], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  fleet.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
  fleet.once('exit', () => fs.rm(work, { recursive: true, force: true }));
  let listed = 0;
  for (let i = 0; i < 120 && listed < agents; i += 1) {
    await sleep(1_000);
    const list = await (await fetch(`${hub.url}/api/v1/hosts`)).json();
    listed = list.hosts.filter((h) => h.status === 'up' && !h.local).length;
  }
  if (listed < agents) {
    fleet.kill('SIGTERM');
    throw new Error(`only ${listed} of ${agents} agents up; pulse-fleet said: ${log}`);
  }
  return fleet;
}
