#!/usr/bin/env node
// Speed of `loom-plugin test` against the reference fixture plugin, side by side with a
// bare loop that sends the same requests to the same plugin (no checks, no schema work).
// The question it answers: how much does the suite add beyond its requests?
//
// Fair on both sides: the bare loop's mock upstream plays the same fault for each request
// as the suite's did (each provoked fault is named by a marker in the chat's text, which
// the loop reads back), so the waits that belong to the mock (a stream's frames 20 ms
// apart, the hung request of the timeout check) are in both columns. Requests the suite
// sent together (the 16 of chat.concurrent) go out together, and the hung request waits
// alongside the requests after it in the rounds where the suite's timeout check did (see
// src/core/conformance/background-check.ts: it stays in its place when the checks before
// it were slow); so does the chat the mock holds back to see whether the plugin serves
// requests side by side.
//
//   npm run build && node bench/test.mjs [--rounds 5]
//
// Prints, per phase, the median over the rounds (suite and bare loop interleaved, so
// load from other processes hits both alike). Not a test: nothing here fails a build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'core/conformance/run-conformance.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 5;
const pluginDir = join(root, 'test/fixtures/plugins/reference');

const { runConformance } = await import(join(dist, 'core/conformance/run-conformance.js'));
const { PluginClient } = await import(join(dist, 'core/runtime/http-client.js'));
const { startPlugin, findFreePort } = await import(join(dist, 'core/runtime/plugin-process.js'));
const { startMockUpstream, MOCK_FAULTS } = await import(join(dist, 'core/runtime/mock-upstream.js'));
const { resolveConfig, configToEnv } = await import(join(dist, 'core/runtime/config.js'));
const { loadPluginManifest } = await import(join(dist, 'core/manifest/load-plugin-manifest.js'));

// Record every request the suite makes, in order, by wrapping the client it uses. Requests
// issued in one turn of the event loop form a burst (sent together in the bare loop too).
let recording;
let burst = 0;
let burstOpen = false;
const record = (call) => {
  if (!recording) return;
  if (!burstOpen) {
    burst += 1;
    burstOpen = true;
    setImmediate(() => (burstOpen = false));
  }
  recording.push({ ...call, burst });
};
const originalRequest = PluginClient.prototype.request;
const originalStream = PluginClient.prototype.stream;
PluginClient.prototype.request = function (method, path, options) {
  record({ kind: 'request', method, path, options });
  return originalRequest.call(this, method, path, options);
};
PluginClient.prototype.stream = function (path, json, options) {
  record({ kind: 'stream', path, json, options });
  return originalStream.call(this, path, json, options);
};

const now = () => performance.now();

async function suiteRound(overlap = true) {
  recording = [];
  const t0 = now();
  let planAt = t0;
  let alongside = false;
  const report = await runConformance({
    dir: pluginDir,
    cwd: root,
    env: {},
    overlap,
    onEvent: (event) => {
      if (event.type === 'plan') planAt = now();
      if (event.type === 'background') alongside = event.alongside;
    },
  });
  const total = now() - t0;
  const requests = recording;
  recording = undefined;
  const timeoutCheck = report.results.find((result) => result.id === 'errors.timeout')?.durationMs ?? 0;
  if (!report.ok) console.error(`warning: the reference plugin did not pass (${report.summary.failed} failed)`);
  return {
    requests,
    alongside,
    row: {
      alongside: alongside ? 1 : 0,
      prepare: planAt - t0 - (report.timings.startupMs ?? 0),
      startup: report.timings.startupMs ?? 0,
      work: report.timings.checksMs,
      timeoutCheck,
      shutdown: report.timings.shutdownMs ?? 0,
      total,
      count: requests.length,
    },
  };
}

/** The fault the suite scripted for a request: its marker is `[loom-plugin-test case <fault>-<n>]`. */
function scriptedFault(call) {
  const text = JSON.stringify(call.json ?? call.options?.json ?? '');
  const found = /\[loom-plugin-test case ([a-z-]+)-(\d+)\]/.exec(text);
  return found && MOCK_FAULTS.includes(found[1]) ? { id: `${found[1]}-${found[2]}`, fault: found[1] } : undefined;
}

/** The suite's /initialize bodies name its own mock (gone by now): point them at this one. */
function pointedAtMock(options, mock) {
  const json = options?.json;
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  return {
    json: {
      ...json,
      ...(typeof json.endpoint === 'string' ? { endpoint: mock.url } : {}),
      ...(typeof json.api_key === 'string' ? { api_key: mock.apiKey } : {}),
    },
  };
}

/**
 * Same plugin, same start-up path, then the recorded requests, burst by burst. `alongside`:
 * the suite let its timeout check wait alongside the others this round (so does the loop).
 */
async function bareRound(requests, alongside) {
  const t0 = now();
  const { manifest, dir } = await loadPluginManifest(pluginDir, root);
  const mock = await startMockUpstream();
  const config = await resolveConfig(manifest, { env: {}, generate: true });
  config.values.endpoint = mock.url;
  config.values.api_key = mock.apiKey;
  const prepared = now();
  const plugin = await startPlugin({
    manifest,
    manifestDir: dir,
    port: await findFreePort('127.0.0.1'),
    env: configToEnv(config.values),
    startupTimeoutMs: 30_000,
  });
  const started = now();
  const client = new PluginClient(plugin.baseUrl, { timeoutMs: 10_000 });
  let hangMs = 0;
  const send = (call) => {
    const scripted = scriptedFault(call);
    if (scripted) mock.script(scripted.id, scripted.fault, { times: 3 });
    const hangAt = now();
    const track = (sent) => (scripted?.fault === 'hang' ? sent.then(() => (hangMs = now() - hangAt)) : sent);
    if (call.kind === 'stream') return originalStream.call(client, call.path, call.json, {});
    const timeoutMs = scripted?.fault === 'hang' ? call.options?.timeoutMs : 10_000;
    return track(originalRequest.call(client, call.method, call.path, { ...call.options, ...pointedAtMock(call.options, mock), timeoutMs }));
  };
  const waiting = [];
  for (let index = 0; index < requests.length; ) {
    const batch = requests.filter((call) => call.burst === requests[index].burst);
    index += batch.length;
    const held = batch.length === 1 ? scriptedFault(batch[0]) : undefined;
    if (held?.fault === 'slow' || (held?.fault === 'hang' && alongside)) {
      // Like the suite (the timeout check's hang, the held-back chat that asks whether the
      // plugin serves requests side by side): go on once the mock holds the request.
      waiting.push(send(batch[0]));
      await mock.seen(held.id);
      continue;
    }
    await Promise.all(batch.map(send));
  }
  await Promise.all(waiting);
  const worked = now();
  await plugin.stop();
  const stopped = now();
  await Promise.allSettled([client.close(), mock.close()]);
  return {
    prepare: prepared - t0,
    startup: started - prepared,
    work: worked - started,
    timeoutCheck: hangMs,
    shutdown: stopped - worked,
    total: now() - t0,
    count: requests.length,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const suiteRows = [];
const bareRows = [];
// The same with every check in its place (overlap: false), where no wait hides the suite's
// own cost: issue 9's overhead is measured there.
const inPlaceRows = [];
const bareInPlaceRows = [];
// One warm-up of each (module caches, ajv compile, file system caches), not counted.
const warm = await suiteRound();
await bareRound(warm.requests, warm.alongside);
for (let round = 0; round < rounds; round += 1) {
  const suite = await suiteRound();
  suiteRows.push(suite.row);
  bareRows.push(await bareRound(suite.requests, suite.alongside));
  const inPlace = await suiteRound(false);
  inPlaceRows.push(inPlace.row);
  bareInPlaceRows.push(await bareRound(inPlace.requests, false));
}

const fmt = (ms) => `${Math.round(ms)} ms`.padStart(9);
const col = (rows, key) => median(rows.map((row) => row[key]));
const lines = [
  ['prepare (manifest, config, mock)', 'prepare'],
  ['plugin start-up (until /health)', 'startup'],
  ['checks / bare requests', 'work'],
  ['  of which the timeout check', 'timeoutCheck'],
  ['shutdown (/cleanup, SIGTERM)', 'shutdown'],
  ['total', 'total'],
];
console.log(`loom-plugin test vs a bare request loop, reference plugin, median of ${rounds} rounds (${process.version})\n`);
console.log(`${'phase'.padEnd(34)}${'suite'.padStart(9)}${'bare'.padStart(9)}`);
for (const [label, key] of lines) console.log(`${label.padEnd(34)}${fmt(col(suiteRows, key))}${fmt(col(bareRows, key))}`);
const overlapped = suiteRows.filter((row) => row.alongside).length;
console.log(`errors.timeout waited alongside the other checks in ${overlapped} of ${rounds} rounds (and so did the bare loop)`);
console.log(`${'requests'.padEnd(34)}${String(col(suiteRows, 'count')).padStart(9)}${String(col(bareRows, 'count')).padStart(9)}`);
// Both columns hold the same requests with the same mock waits and the timeout check's
// hang in its place: the difference is what the suite itself costs (issue 9). (With the
// hang alongside, the suite's own cost hides inside the wait.)
const overhead = col(inPlaceRows, 'work') - col(bareInPlaceRows, 'work');
console.log(
  `\nevery check in its place (overlap: false): checks ${Math.round(col(inPlaceRows, 'work'))} ms, ` +
    `the same requests bare ${Math.round(col(bareInPlaceRows, 'work'))} ms, total ${Math.round(col(inPlaceRows, 'total'))} ms`,
);
console.log(`suite overhead beyond its requests (same faults, each check in its place): ${Math.round(overhead)} ms`);
console.log(`target: overhead < 150 ms -> ${overhead < 150 ? 'met' : 'NOT met'} (${(overhead / 150).toFixed(2)}x the target)`);
console.log(`target: total well under 5000 ms -> ${col(suiteRows, 'total') < 5000 ? 'met' : 'NOT met'}`);
// Issue 15's target, next to the floor it meets: the timeout check waits the plugin's own
// minimum timeout (1 s for the reference plugin's int field), which no scheduling can
// shorten; with every other check free, the total would still be prepare + start-up +
// that wait + shutdown.
const total = col(suiteRows, 'total');
const floor = col(suiteRows, 'prepare') + col(suiteRows, 'startup') + col(suiteRows, 'timeoutCheck') + col(suiteRows, 'shutdown');
console.log(`target: total <= 800 ms -> ${total <= 800 ? 'met' : 'NOT met'} (${Math.round(total)} ms, ${(total / 800).toFixed(2)}x the target)`);
console.log(`  floor (prepare + start-up + the plugin's own timeout + shutdown): ${Math.round(floor)} ms (${(floor / 800).toFixed(2)}x the target); total is ${(total / floor).toFixed(2)}x the floor`);

// The whole CLI, cold, as CI runs it: process start, imports, manifest, suite, exit.
const cold = [];
for (let round = 0; round < Math.min(rounds, 3); round += 1) {
  const t0 = now();
  const run = spawnSync(process.execPath, [join(root, 'bin/loom-plugin.js'), 'test', pluginDir, '--reporter', 'json'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const wall = now() - t0;
  const report = JSON.parse(run.stdout);
  cold.push({ wall, inside: report.summary.durationMs, exit: run.status });
}
const nodeStart = (() => {
  const t0 = now();
  spawnSync(process.execPath, ['-e', '0']);
  return now() - t0;
})();
console.log(
  `\nCLI cold (node bin/loom-plugin.js test reference --reporter json), median of ${cold.length}: ` +
    `${Math.round(median(cold.map((c) => c.wall)))} ms wall, ${Math.round(median(cold.map((c) => c.inside)))} ms inside runConformance, ` +
    `exit ${cold.map((c) => c.exit).join('/')}; node -e 0 takes ${Math.round(nodeStart)} ms`,
);
