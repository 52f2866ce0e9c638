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

/** Starts an agent for host `name` that knows every hub of `hubs`; its stderr gathers in `.log`. */
export function startAgent(hubs, { name, interval, token }) {
  const hubArgs = hubs.flatMap((hub) => ['--hub', hub.url]);
  const agent = spawn(BINARY, ['agent', ...hubArgs, '--name', name, '--interval', interval, '--token', token],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  agent.log = '';
  agent.stderr.on('data', (chunk) => { agent.log += chunk; });
  return agent;
}

/** Stops an agent (SIGTERM) if it still runs; resolves when it has exited. */
export async function stopAgent(agent) {
  if (!agent || agent.exitCode !== null) return;
  const exited = once(agent, 'exit');
  agent.kill('SIGTERM');
  await exited;
}
