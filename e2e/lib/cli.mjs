// The pulse-server binary run as a command (`user add`, `token create`) or as an
// agent, for tests that need users made on the command line or a real agent.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

import { ROOT } from './server.mjs';

const BINARY = path.join(ROOT, 'target/release/pulse-server');

/** Runs `pulse-server ARGS` with `stdin`; resolves to its standard output. */
export function cli(args, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = execFile(BINARY, args, (error, stdout, stderr) => (error ? reject(new Error(`${error}\n${stderr}`)) : resolve(stdout)));
    child.stdin.end(stdin);
  });
}

/**
 * Starts an agent for host `name` that knows every hub of `hubs` (objects with a `url`: a
 * `PulseServer`, a proxy), tagged `tags` (`key=value` strings). The token goes in its
 * environment (`PULSE_AGENT_TOKEN`), as a deployment would keep it out of `ps`; its stderr
 * gathers in `.log`.
 */
export function startAgent(hubs, { name, interval, token, tags = [] }) {
  const args = ['agent', ...hubs.flatMap((hub) => ['--hub', hub.url]), '--name', name, '--interval', interval];
  for (const tag of tags) args.push('--tag', tag);
  const agent = spawn(BINARY, args, { env: { ...process.env, PULSE_AGENT_TOKEN: token }, stdio: ['ignore', 'ignore', 'pipe'] });
  agent.log = '';
  agent.stderr.on('data', (chunk) => { agent.log += chunk; });
  return agent;
}

/** Stops an agent (`signal`, SIGTERM unless given) if it still runs; resolves when it has exited. */
export async function stopAgent(agent, signal = 'SIGTERM') {
  if (!agent || agent.exitCode !== null || agent.signalCode !== null) return;
  const exited = once(agent, 'exit');
  agent.kill(signal);
  await exited;
}
