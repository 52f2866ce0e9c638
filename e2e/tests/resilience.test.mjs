// The connection engine against real proxies and a real server that dies, hangs and
// restarts. Each test asserts what the user sees: live data over the expected
// transport, the gap marker where one is due, and no lost or duplicated sample.
// Deadlines here are generous (behaviour, not speed); `./pulse bench` records the
// actual figures in BENCHMARKS.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, seqProblems } from '../lib/browser.mjs';
import { cutConnections, deadLink, restartServer, silentWebSocket, throughNginx } from '../lib/scenarios.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

describe('fallback through real proxies', () => {
  test('nginx that strips WebSocket upgrades: live over SSE', async () => {
    const { state } = await throughNginx(browser, 'no-ws', 'sse');
    assert.equal(state.transport, 'sse');
    assert.ok(state.log.some((line) => /ws|websocket/i.test(line)), 'the log says WebSocket was tried');
  });

  test('nginx that strips upgrades and buffers responses: live over long-poll', async () => {
    const { state } = await throughNginx(browser, 'buffered', 'longpoll');
    assert.equal(state.transport, 'longpoll');
  });

  test('a WebSocket that opens but carries nothing counts as failed', async () => {
    const { state } = await silentWebSocket(browser);
    assert.equal(state.transport, 'sse');
  });
});

describe('no sample lost or duplicated when connections keep dropping', () => {
  for (const transport of ['ws', 'sse', 'longpoll']) {
    test(`${transport}: every connection cut after 2 s`, async () => {
      const { state, connections } = await cutConnections(browser, transport);
      assert.ok(connections >= 3, `the proxy cut connections (${connections} made)`);
      assert.deepEqual(seqProblems(state.seqs), []);
      assert.equal(state.duplicates, 0);
      assert.equal(state.gaps, 0, 'inside the history window there is nothing to mark as a gap');
    });
  }
});

describe('server restarts', () => {
  for (const signal of ['SIGKILL', 'SIGTERM']) {
    test(`${signal}: back on WebSocket with a gap marker for the new epoch`, async () => {
      const { before: b, after: a } = await restartServer(browser, signal);
      assert.notEqual(a.epoch, b.epoch);
      assert.equal(a.transport, 'ws', 'a restart must not strand the page on a fallback');
      assert.ok(a.gaps > b.gaps, 'the epoch change is drawn as a gap');
      assert.deepEqual(seqProblems(a.seqs), []);
    });
  }
});

describe('dead links are noticed', () => {
  test('a frozen server (SIGSTOP)', async () => {
    const { noticedMs } = await deadLink(browser, 'freeze');
    assert.ok(noticedMs < 20_000, `noticed after ${noticedMs} ms`);
  });

  test('a black-holed network', async () => {
    const { noticedMs } = await deadLink(browser, 'blackhole');
    assert.ok(noticedMs < 20_000, `noticed after ${noticedMs} ms`);
  });
});
