// Several hubs sharing one real redis-server (`--redis`) behind a real nginx load
// balancer, with a real agent process that knows them all and starts on the first:
// the setup of the tests of a fleet scaled out. `start` brings it up, `stop` takes it
// down, `hubOfPage` finds the hub holding a page's stream.
import assert from 'node:assert/strict';

import { Nginx } from './nginx.mjs';
import { Redis } from './redis.mjs';
import { PulseServer } from './server.mjs';
import { startAgent, stopAgent } from './cli.mjs';

/**
 * Starts Redis, `count` hubs on it (each `--no-local`, taking `token` from agents,
 * with `args` added; the first also with `firstArgs`, and serving before the others
 * start, so what it holds is in Redis first), an agent for host `name` and nginx in
 * front of the hubs. Resolves to `{ redis, hubs, agent, proxy }`.
 */
export async function startBalanced({ count = 3, token, intervalMs, name = 'web', args = [], firstArgs = [] }) {
  const redis = await Redis.start();
  const common = ['--interval', `${intervalMs}ms`, '--no-local', '--agent-token', token, '--redis', redis.url, ...args];
  const hubs = [await PulseServer.start({ args: [...common, ...firstArgs] })];
  hubs.push(...await Promise.all(Array.from({ length: count - 1 }, () => PulseServer.start({ args: common }))));
  const agent = startAgent(hubs, { name, interval: `${intervalMs}ms`, token });
  const proxy = await Nginx.balance(hubs.map((hub) => hub.address));
  return { redis, hubs, agent, proxy };
}

/**
 * Stops what `startBalanced` (and the test's `browser`) started, in the order that
 * leaves nothing reconnecting: the browser, nginx, the agent, the hubs (SIGKILL), Redis.
 */
export async function stopBalanced({ browser, proxy, agent, hubs = [], redis }) {
  await browser?.close();
  await proxy?.stop();
  await stopAgent(agent);
  await Promise.all(hubs.map((hub) => hub.stop('SIGKILL')));
  await redis?.stop();
}

/** Whether `hub`'s process still runs. */
export const alive = (hub) => hub.child.exitCode === null && hub.child.signalCode === null;

/**
 * The hub holding a page's stream: the first live one whose `/healthz` counts a
 * connection that is not the agent's (the agent's link is on the first hub until
 * that one dies).
 */
export async function hubOfPage(hubs) {
  const counts = await Promise.all(hubs.map(async (hub, i) => {
    if (!alive(hub)) return 0;
    const health = await (await fetch(`${hub.url}/healthz`)).json();
    return health.connections - (i === 0 ? 1 : 0);
  }));
  const at = counts.findIndex((count) => count > 0);
  assert.ok(at >= 0, `no hub holds the page's stream: ${counts}`);
  return hubs[at];
}
