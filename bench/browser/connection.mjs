// Connection-engine figures in a real browser: the same scenarios the e2e tests
// assert on (e2e/lib/scenarios.mjs), run several times and timed. Writes
// bench/results/connection.md. Usage: node bench/browser/connection.mjs [--rounds N]
import fs from 'node:fs/promises';
import path from 'node:path';

import { launchBrowser, seqProblems } from '../../e2e/lib/browser.mjs';
import { ROOT } from '../../e2e/lib/server.mjs';
import { cutConnections, deadLink, restartServer, silentWebSocket, throughNginx } from '../../e2e/lib/scenarios.mjs';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const max = (xs) => Math.max(...xs);

async function time(label, target, fn) {
  const samples = [];
  for (let i = 0; i < rounds; i += 1) samples.push(Math.round(await fn()));
  const row = `| ${label} | ${median(samples)} ms | ${max(samples)} ms | ${target} | ${max(samples) <= target.ms ? 'yes' : '**no**'} |`;
  console.log(row);
  return row;
}

const browser = await launchBrowser();
const rows = [];
try {
  const target = (ms) => ({ ms, toString: () => `≤ ${ms / 1000} s` });
  rows.push(await time('WebSocket stripped by nginx → first data over SSE, from page load', target(3000),
    async () => (await throughNginx(browser, 'no-ws', 'sse')).liveAfterMs));
  rows.push(await time('WebSocket opens but carries nothing → first data over SSE, from page load', target(3000),
    async () => (await silentWebSocket(browser)).liveAfterMs));
  rows.push(await time('WebSocket and SSE broken (nginx buffers) → data over long-poll, from page load', target(8000),
    async () => (await throughNginx(browser, 'buffered', 'longpoll')).liveAfterMs));
  rows.push(await time('server killed (SIGKILL) → live again, from the new server listening', target(2000),
    async () => (await restartServer(browser, 'SIGKILL')).liveAgainMs));
  rows.push(await time('server restarted (SIGTERM) → live again, from the new server listening', target(2000),
    async () => (await restartServer(browser, 'SIGTERM')).liveAgainMs));
  rows.push(await time('server frozen (SIGSTOP) → dead link noticed', target(12000),
    async () => (await deadLink(browser, 'freeze')).noticedMs));
  rows.push(await time('network black-holed → dead link noticed', target(12000),
    async () => (await deadLink(browser, 'blackhole')).noticedMs));
  const loss = [];
  for (const transport of ['ws', 'sse', 'longpoll']) {
    const { state, connections } = await cutConnections(browser, transport, { frames: 40 });
    const problems = seqProblems(state.seqs);
    loss.push(`| ${transport} | ${connections} | ${state.frames} | ${problems.length} | ${state.duplicates} | ${state.gaps} |`);
  }
  const table = [
    '| scenario | median | worst | target | met |', '|---|---:|---:|---|---|', ...rows, '',
    'Every connection cut after 2 s, 4 frames/s, 40 frames: lost or duplicated samples (one run each)', '',
    '| transport | connections made | frames accepted | holes | duplicates dropped | gaps |', '|---|---:|---:|---:|---:|---:|', ...loss,
  ].join('\n');
  await fs.mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await fs.writeFile(path.join(ROOT, 'bench/results/connection.md'),
    `Rounds per scenario: ${rounds}. Command: \`node bench/browser/connection.mjs --rounds ${rounds}\`\n\n${table}\n`);
  console.log(table);
} finally {
  await browser.close();
}
