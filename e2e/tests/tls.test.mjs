// The site over HTTPS and WSS: a real pulse-server started with --tls-cert/--tls-key
// (a throwaway CA and a certificate it signed for localhost and 127.0.0.1, EC P-256,
// made here with openssl), and Chromium told to trust that certificate by the hash of
// its public key. The dashboard goes live over wss:// and takes every frame in order;
// plain http to the same port gets no page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { PulseServer } from '../lib/server.mjs';
import { launchBrowser, pulseState, seqProblems, waitFrames, waitLive } from '../lib/browser.mjs';

let dir;
let server;
let browser;

/** Runs openssl in the test's directory; its stdout. */
function openssl(args, input) {
  return execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A CA and a server certificate it signed for localhost and 127.0.0.1; the base64 SHA-256 of the server's SPKI. */
async function makeCertificates() {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Pulse e2e test CA']);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  await fs.writeFile(path.join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
  // openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64
  const publicKey = openssl(['x509', '-in', 'server.pem', '-pubkey', '-noout']);
  const spki = openssl(['pkey', '-pubin', '-outform', 'der'], publicKey);
  return openssl(['dgst', '-sha256', '-binary'], spki).toString('base64');
}

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-tls-'));
  const spkiHash = await makeCertificates();
  // The same hash from Node's own parser: the flag below names the right key.
  const x509 = new X509Certificate(await fs.readFile(path.join(dir, 'server.pem')));
  assert.equal(createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'), spkiHash);
  server = await PulseServer.start({
    args: ['--interval', '250ms', '--tls-cert', path.join(dir, 'server.pem'), '--tls-key', path.join(dir, 'server.key')],
  });
  browser = await launchBrowser({ args: [`--ignore-certificate-errors-spki-list=${spkiHash}`] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** A new page that logs its errors and every frame's seq received on each WebSocket. */
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.sockets = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  page.on('websocket', (ws) => {
    const socket = { url: ws.url(), seqs: [] };
    page.sockets.push(socket);
    ws.on('framereceived', ({ payload }) => {
      const message = typeof payload === 'string' ? JSON.parse(payload) : null;
      if (message?.type === 'frame') socket.seqs.push(message.seq);
    });
  });
  return page;
}

test('the server listens for HTTPS', () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('over https://localhost the dashboard goes live over wss:// and takes every frame in order', async () => {
  const { port } = new URL(server.url);
  const page = await newPage();
  try {
    await page.goto(`https://localhost:${port}/`);
    await waitLive(page, 'ws');
    const live = await pulseState(page);
    await waitFrames(page, live.frames + 6);
    assert.deepEqual(await page.evaluate(() => [location.protocol, window.isSecureContext]), ['https:', true]);

    const state = await pulseState(page);
    assert.equal(state.transport, 'ws');
    assert.deepEqual(seqProblems(state.seqs), [], `the engine's seq log: ${state.seqs.join(' ')}`);
    assert.equal(state.duplicates, 0);

    // What came over the wire: one secure socket to this server, frames numbered one by one.
    assert.equal(page.sockets.length, 1, page.sockets.map((s) => s.url).join(', '));
    const [socket] = page.sockets;
    // Every stream asks for the live alerts and the hub status (`=0`: it holds none yet).
    assert.equal(socket.url, `wss://localhost:${port}/api/v1/ws?alerts=0&hub=0&columns=1`);
    assert.ok(socket.seqs.length >= 6, `frames over wss: ${socket.seqs.join(' ')}`);
    assert.deepEqual(seqProblems(socket.seqs), [], `frames over wss: ${socket.seqs.join(' ')}`);
    assert.deepEqual(page.errors.filter((e) => !/integrity/.test(e)), [], 'page logged errors');
  } finally {
    await page.context().close();
  }
});

test('plain http to the same port gets no page, in the browser or from Node', async () => {
  const { port } = new URL(server.url);
  const page = await newPage();
  try {
    await assert.rejects(page.goto(`http://localhost:${port}/`, { timeout: 15_000 }), /net::ERR_/);
    assert.equal(page.sockets.length, 0);
  } finally {
    await page.context().close();
  }
  // fetch fails (TypeError) as the server drops the connection; a timeout would be an AbortError.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(15_000) }),
    { name: 'TypeError' });
  // The server still serves HTTPS after the plain attempts.
  const page2 = await newPage();
  try {
    await page2.goto(`https://127.0.0.1:${port}/`);
    await waitLive(page2, 'ws');
  } finally {
    await page2.context().close();
  }
});
