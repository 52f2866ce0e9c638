// The connection scenarios a user's network throws at Pulse, each returning what it
// measured. Tests assert on them with generous deadlines (behaviour); the benchmark
// runs the same functions and records the figures in BENCHMARKS.md (speed).
import { ChaosProxy } from './tcp-proxy.mjs';
import { Nginx } from './nginx.mjs';
import { PulseServer } from './server.mjs';
import { openPage, pulseState, waitFrames, waitLive } from './browser.mjs';

const FAST = ['--interval', '250ms', '--heartbeat', '1s'];

/** Loads the page through an nginx in `mode`; ms from navigation start to live over `expect`. */
export async function throughNginx(browser, mode, expect) {
  const server = await PulseServer.start({ args: ['--interval', '1s'] });
  const nginx = await Nginx.start({ upstream: server.address, mode });
  try {
    const page = await openPage(browser, `${nginx.url}/`);
    await waitLive(page, expect, 20_000);
    const liveAfterMs = await msSinceNavigation(page);
    await waitFrames(page, (await pulseState(page)).frames + 2);
    const state = await pulseState(page);
    await page.context().close();
    return { liveAfterMs, state };
  } finally {
    await nginx.stop();
    await server.stop();
  }
}

/** A proxy that lets the WebSocket handshake through and then carries nothing. */
export async function silentWebSocket(browser) {
  const server = await PulseServer.start({ args: ['--interval', '1s'] });
  const proxy = await ChaosProxy.start({ upstreamPort: new URL(server.url).port, swallowWs: true });
  try {
    const page = await openPage(browser, `${proxy.url}/`);
    await waitLive(page, 'sse', 20_000);
    const liveAfterMs = await msSinceNavigation(page);
    const state = await pulseState(page);
    await page.context().close();
    return { liveAfterMs, state };
  } finally {
    await proxy.stop();
    await server.stop();
  }
}

/** Every connection is cut after `cutAfterMs`; returns the seq log after `frames` more frames. */
export async function cutConnections(browser, transport, { cutAfterMs = 2_000, frames = 24 } = {}) {
  const server = await PulseServer.start({ args: FAST });
  const proxy = await ChaosProxy.start({ upstreamPort: new URL(server.url).port, cutAfterMs });
  try {
    const page = await openPage(browser, `${proxy.url}/?transport=${transport}`);
    await waitLive(page, transport, 20_000);
    const start = (await pulseState(page)).frames;
    await waitFrames(page, start + frames, 60_000);
    const state = await pulseState(page);
    await page.context().close();
    return { state, connections: proxy.connections };
  } finally {
    await proxy.stop();
    await server.stop();
  }
}

/**
 * Kills (`SIGKILL`) or stops (`SIGTERM`) the server and starts a new one on the same port.
 * Returns ms from the new server listening to the page being live over `transport` again.
 */
export async function restartServer(browser, signal, transport = 'ws') {
  let server = await PulseServer.start({ args: FAST });
  const listen = server.address;
  const query = transport === 'ws' ? '' : `?transport=${transport}`;
  const page = await openPage(browser, `${server.url}/${query}`);
  try {
    await waitLive(page, transport, 20_000);
    await waitFrames(page, (await pulseState(page)).frames + 2);
    const before = await pulseState(page);
    await server.stop(signal);
    await page.waitForFunction(() => window.__pulse?.state !== 'live', null, { timeout: 20_000, polling: 20 });
    server = await PulseServer.start({ listen, args: FAST });
    const listening = Date.now();
    await page.waitForFunction(
      ([epoch, want]) => window.__pulse?.state === 'live' && window.__pulse.epoch !== epoch && window.__pulse.transport === want,
      [before.epoch, transport],
      { timeout: 30_000, polling: 20 },
    );
    const liveAgainMs = Date.now() - listening;
    await waitFrames(page, (await pulseState(page)).frames + 2);
    const after = await pulseState(page);
    return { liveAgainMs, before, after };
  } finally {
    await page.context().close();
    await server.stop();
  }
}

/**
 * Makes the link dead without closing it: `freeze` stops the server process (SIGSTOP),
 * `blackhole` makes a proxy forward nothing. Returns ms until the page noticed.
 */
export async function deadLink(browser, how, transport = 'ws') {
  const server = await PulseServer.start({ args: ['--interval', '1s', '--heartbeat', '5s'] });
  const proxy = await ChaosProxy.start({ upstreamPort: new URL(server.url).port });
  const page = await openPage(browser, `${proxy.url}/?transport=${transport}`);
  try {
    await waitLive(page, transport, 20_000);
    await waitFrames(page, (await pulseState(page)).frames + 2);
    const cut = Date.now();
    if (how === 'freeze') server.freeze(); else proxy.blackhole();
    await page.waitForFunction(() => window.__pulse?.state !== 'live', null, { timeout: 30_000, polling: 20 });
    const noticedMs = Date.now() - cut;
    if (how === 'freeze') server.thaw(); else proxy.restore();
    await waitLive(page, transport, 30_000);
    return { noticedMs };
  } finally {
    await page.context().close();
    await proxy.stop();
    await server.stop();
  }
}

async function msSinceNavigation(page) {
  return page.evaluate(() => performance.now());
}
