// Starts a real pulse-server for a test, on 127.0.0.1, and stops it afterwards.
// The server prints `listening on http://ADDR/` (`https://` with `--tls-cert`) once it
// accepts connections; we wait for that line (an event), never for a fixed time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BINARY = path.join(ROOT, 'target/release/pulse-server');

/**
 * A running pulse-server. `listen` defaults to a free port; pass one to restart on the same port.
 * `dist` is the site it serves (this checkout's `dist/`; a benchmark may pass a base build's).
 */
export class PulseServer {
  constructor(child, url) {
    this.child = child;
    this.url = url;
    this.output = '';
  }

  static async start({ listen = '127.0.0.1:0', args = [], timeoutMs = 15_000, dist = path.join(ROOT, 'dist') } = {}) {
    // Each server keeps its history in a fresh directory, unless the test names one
    // (to restart on the same store) or keeps none.
    const ownStore = !args.includes('--data') && !args.includes('--no-store');
    const data = ownStore ? fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-data-')) : null;
    const store = data ? ['--data', data] : [];
    const child = spawn(BINARY, ['--listen', listen, '--dist', dist, ...store, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    });
    let output = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pulse-server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = (chunk) => {
        output += chunk;
        const match = /listening on (https?:\/\/[^\s/]+)\//.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk) => { output += chunk; });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pulse-server exited with ${code} before listening:\n${output}`));
      });
    });
    const server = new PulseServer(child, url);
    server.output = output;
    server.data = data;
    child.stdout.on('data', (chunk) => { server.output += chunk; });
    child.stderr.on('data', (chunk) => { server.output += chunk; });
    return server;
  }

  /** host:port the server listens on. */
  get address() {
    return new URL(this.url).host;
  }

  /** Freezes the process (a hung server: sockets stay open, nothing is sent). */
  freeze() { this.child.kill('SIGSTOP'); }

  /** Thaws a frozen process. */
  thaw() { this.child.kill('SIGCONT'); }

  /** Stops the server: SIGTERM (graceful) or SIGKILL (crash). Resolves when it has exited. */
  async stop(signal = 'SIGTERM') {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGCONT');
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    if (this.data) fs.rmSync(this.data, { recursive: true, force: true });
  }
}
