// A real redis-server (Debian's, installed by `./pulse test`) for a test: on
// 127.0.0.1, a free port, nothing saved, in a temporary directory; stopped by its PID.
// `kill()` and `restart()` take it away and bring it back, empty, on the same port.
// `start()` gives it the access revision of a fleet known to have no users (as one
// that has run holds it), so loopback hubs without users open at once; a copy a hub
// seeded from an empty access file keeps them closed for 10 s first (`startEmpty()`).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

import { freePort } from './nginx.mjs';

/** Starts redis-server on `port` in `dir`; resolves once it accepts connections. */
async function spawnRedis(port, dir, timeoutMs) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/** Sends one inline command to Redis on `port`; resolves with its first reply line. */
function command(port, line, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`redis did not answer ${line}`)));
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.split('\r\n')[0]);
      }
    });
    socket.on('error', reject);
  });
}

export class Redis {
  static async start({ timeoutMs = 10_000 } = {}) {
    const redis = await Redis.startEmpty({ timeoutMs });
    const reply = await command(redis.port, 'SET pulse:access:rev 1', timeoutMs);
    if (reply !== '+OK') throw new Error(`redis answered ${reply}`);
    return redis;
  }

  static async startEmpty({ timeoutMs = 10_000 } = {}) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-redis-'));
    const port = await freePort();
    const child = await spawnRedis(port, dir, timeoutMs);
    const redis = new Redis();
    Object.assign(redis, { child, dir, port, timeoutMs, url: `redis://127.0.0.1:${port}` });
    return redis;
  }

  /** Kills it (SIGKILL); what it held is gone (nothing is saved). */
  async kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** Starts it again, empty, on the same port. */
  async restart() {
    this.child = await spawnRedis(this.port, this.dir, this.timeoutMs);
  }

  async stop() {
    await this.kill();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
