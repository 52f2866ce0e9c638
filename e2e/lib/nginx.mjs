// A real nginx (Debian's) reverse proxy in front of a pulse-server, started by the test
// on 127.0.0.1 with a generated config, in one of the modes real networks have:
//   good      passes WebSocket upgrades and streams responses unbuffered
//   no-ws     strips the Upgrade header (as many corporate proxies do): WebSocket fails
//   buffered  strips Upgrade AND buffers and compresses responses: SSE stalls
//   static    no proxy at all: serves a directory, as a static host serving dist/ would
// `prefix` (default `/`) puts Pulse under a path, e.g. `/pulse/`: the proxy strips it
// before passing requests on, and a static site serves the directory there.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function locationFor(mode, upstream, root, prefix) {
  if (mode === 'static') {
    return [prefix === '/' ? `root ${root};` : `alias ${root}/;`, 'include /etc/nginx/mime.types;'];
  }
  const common = [
    // With a URI part, nginx replaces the matched prefix with it.
    prefix === '/' ? `proxy_pass http://${upstream};` : `proxy_pass http://${upstream}/;`,
    'proxy_http_version 1.1;',
    'proxy_set_header Host $http_host;',
    'proxy_read_timeout 3600s;',
  ];
  if (mode === 'good') {
    return [...common, 'proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Connection $connection_upgrade;',
      'proxy_buffering off;'];
  }
  if (mode === 'no-ws') return [...common, 'proxy_set_header Connection "";', 'proxy_buffering off;'];
  if (mode === 'buffered') {
    return [...common, 'proxy_set_header Connection "";', 'proxy_buffering on;',
      'proxy_ignore_headers X-Accel-Buffering;', 'proxy_buffer_size 1m;', 'proxy_buffers 4 1m;',
      'proxy_busy_buffers_size 2m;', 'proxy_max_temp_file_size 0;',
      // nginx still writes what it has even when buffering; compressing the stream is
      // what really holds events back (gzip waits for a full buffer), as real proxies do.
      'gzip on;', 'gzip_types text/event-stream application/json;', 'gzip_min_length 0;', 'gzip_buffers 4 256k;',
      'gzip_proxied any;'];
  }
  throw new Error(`unknown nginx mode ${mode}`);
}

export class Nginx {
  static async start({ upstream, mode, root, prefix = '/' }) {
    return Nginx.startWith((port) => `
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location ${prefix} {
      ${locationFor(mode, upstream, root, prefix).join('\n      ')}
    }
  }`);
  }

  /**
   * A load balancer over several hubs (`host:port` each), as the issue's scale-out
   * proof runs it: round robin, WebSocket upgrades passed, responses unbuffered, and
   * a hub that fails to answer is skipped (`proxy_next_upstream`) and marked down for
   * 30 s, so a killed hub's clients reconnect to a live one.
   */
  static async balance(addresses) {
    return Nginx.startWith((port) => `
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream hubs { ${addresses.map((address) => `server ${address} max_fails=1 fail_timeout=30s;`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://hubs;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout 3600s;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
    }
  }`);
  }

  /** nginx with `http(port)` as the body of its `http { }` block (port: where to listen). */
  static async startWith(http) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-nginx-'));
    const port = await freePort();
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((name) => `${name}_temp_path ${dir}/${name};`).join('\n  ');
    const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp}
  ${http(port)}
}`;
    await fs.writeFile(path.join(dir, 'nginx.conf'), conf);
    const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk) => { output += chunk; });
    await waitForPort(port, child, () => output);
    const proxy = new Nginx();
    Object.assign(proxy, { child, dir, port, url: `http://127.0.0.1:${port}` });
    return proxy;
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/** Resolves once something accepts TCP connections on the port (bounded: 100 tries, 10 s). */
export async function waitForPort(port, child, output = () => '') {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child && child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output()}`);
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on ${port} after 10 s: ${output()}`);
}
