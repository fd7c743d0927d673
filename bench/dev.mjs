#!/usr/bin/env node
/**
 * bench/dev.mjs — what the dev host costs, side by side in one run:
 *   1. throughput (autocannon, 10 connections, 5 s rounds, interleaved) straight to the
 *      plugin's /chat/completions versus through the host's /v1/chat/completions;
 *   2. latency (one keep-alive connection, sequential requests, hrtime) p50/p99, same pair;
 *   3. hot reload: time from a file save to the new version answering, versus the
 *      plugin's own start-up time (spawn -> first /health answer).
 * The host runs in its own Node process (like `loom-plugin dev`), so the load generator
 * does not share its event loop. Needs the build: `npx tsc -p tsconfig.json`.
 * Targets: >= 85% of direct throughput, < 1 ms added at p50, reload <= start-up + 300 ms.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = `${ROOT}bench/.work/dev`;
const PLUGIN = `${WORK}/echo`;
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

if (!existsSync(`${ROOT}dist/index.js`)) {
  console.error('Build first: npx tsc -p tsconfig.json');
  process.exit(2);
}
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
cpSync(`${ROOT}test/fixtures/dev/echo`, PLUGIN, { recursive: true });

// --- the host, in its own process --------------------------------------------------
const hostScript = `
  import { startDevHost } from ${JSON.stringify(`${ROOT}dist/index.js`)};
  const host = await startDevHost({ path: ${JSON.stringify(PLUGIN)}, cwd: process.cwd(), env: process.env, port: 0, watch: true,
    onEvent: (e) => { if (e.type === 'attempt') process.stdout.write(JSON.stringify({ attempt: e.attempt }) + '\\n'); } });
  await host.ready;
  const p = host.state()[0];
  process.stdout.write(JSON.stringify({ url: host.url, token: host.token, pluginPort: p.port, state: p.state }) + '\\n');
  process.on('SIGTERM', () => host.close().then(() => process.exit(0)));
`;
const hostProcess = spawn(process.execPath, ['--input-type=module', '-e', hostScript], {
  env: { ...process.env, LOOM_CONFIG_API_KEY: 'bench-key' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const hostInfo = await new Promise((resolve, reject) => {
  let buffer = '';
  hostProcess.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (const line of buffer.split('\n')) {
      try {
        const value = JSON.parse(line);
        if (value.url) resolve(value);
      } catch {}
    }
  });
  hostProcess.on('exit', (code) => reject(new Error(`host exited with ${code}`)));
});
if (hostInfo.state !== 'healthy') throw new Error(`plugin not healthy: ${hostInfo.state}`);

const body = JSON.stringify({ model: 'echo-dev-1', messages: [{ role: 'user', content: 'benchmark' }] });
const direct = { name: 'direct', url: `http://127.0.0.1:${hostInfo.pluginPort}/chat/completions`, headers: { 'content-type': 'application/json' } };
const viaHost = { name: 'via host', url: `${hostInfo.url}/v1/chat/completions`, headers: { 'content-type': 'application/json', authorization: `Bearer ${hostInfo.token}` } };

// --- 1. throughput -------------------------------------------------------------------
function cannon(target) {
  return new Promise((resolve, reject) => {
    autocannon({ url: target.url, method: 'POST', headers: target.headers, body, connections: 10, duration: ROUND_SECONDS }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}
const throughput = { direct: [], 'via host': [] };
const cannonLatency = { direct: [], 'via host': [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const target of round % 2 === 0 ? [direct, viaHost] : [viaHost, direct]) {
    const result = await cannon(target);
    if (result.non2xx || result.errors) throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    throughput[target.name].push(result.requests.average);
    cannonLatency[target.name].push(result.latency.p50);
  }
}

// --- 2. latency, one connection, sequential -------------------------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function once(target) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(target.url, { method: 'POST', headers: target.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const latencies = { direct: [], 'via host': [] };
for (let block = 0; block < 10; block++) {
  for (const target of [direct, viaHost]) {
    for (let i = 0; i < 300; i++) latencies[target.name].push(await once(target));
  }
}
agent.destroy();

// --- 3. reload vs start-up -------------------------------------------------------------
function healthUp(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
  });
}
async function pluginStartup(port) {
  const started = performance.now();
  const child = spawn('node', ['plugin.js'], { cwd: PLUGIN, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  while (!(await healthUp(port))) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return ms;
}
async function reloadOnce(version) {
  const started = performance.now();
  writeFileSync(`${PLUGIN}/behaviour.json`, JSON.stringify({ version }));
  for (;;) {
    const text = await new Promise((resolve) => {
      const req = http.request(viaHost.url, { method: 'POST', headers: viaHost.headers, agent: false }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      });
      req.on('error', () => resolve(''));
      req.end(body);
    });
    if (text.includes(`echo(${version})`)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 5));
  }
}
const startups = [];
const reloads = [];
for (let i = 0; i < 5; i++) {
  startups.push(await pluginStartup(47000 + i));
  reloads.push(await reloadOnce(`r${i}`));
  await new Promise((r) => setTimeout(r, 300));
}

hostProcess.kill('SIGTERM');
await new Promise((r) => hostProcess.on('exit', r));
rmSync(WORK, { recursive: true, force: true });

// --- report -------------------------------------------------------------------------------
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const rpsDirect = mean(throughput.direct);
const rpsHost = mean(throughput['via host']);
const p50Direct = quantile(latencies.direct, 0.5);
const p50Host = quantile(latencies['via host'], 0.5);
const p99Direct = quantile(latencies.direct, 0.99);
const p99Host = quantile(latencies['via host'], 0.99);
const startup = quantile(startups, 0.5);
const reload = quantile(reloads, 0.5);
const pad = (text, width) => String(text).padEnd(width);
console.log(`\nloom-plugin dev overhead (${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s, 10 connections; latency: 3000 sequential requests each)\n`);
console.log(`${pad('', 12)}${pad('req/s', 12)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}autocannon p50 ms`);
console.log(`${pad('direct', 12)}${pad(rpsDirect.toFixed(0), 12)}${pad(p50Direct.toFixed(3), 10)}${pad(p99Direct.toFixed(3), 10)}${mean(cannonLatency.direct).toFixed(2)}`);
console.log(`${pad('via host', 12)}${pad(rpsHost.toFixed(0), 12)}${pad(p50Host.toFixed(3), 10)}${pad(p99Host.toFixed(3), 10)}${mean(cannonLatency['via host']).toFixed(2)}`);
console.log(`\nthroughput via host: ${((rpsHost / rpsDirect) * 100).toFixed(1)}% of direct (target >= 85%)`);
console.log(`added latency at p50: ${(p50Host - p50Direct).toFixed(3)} ms (target < 1 ms); at p99: ${(p99Host - p99Direct).toFixed(3)} ms`);
console.log(`\nplugin start-up (spawn -> /health answers), median of 5: ${startup.toFixed(0)} ms  [${startups.map((v) => v.toFixed(0)).join(', ')}]`);
console.log(`file save -> new version serving, median of 5:       ${reload.toFixed(0)} ms  [${reloads.map((v) => v.toFixed(0)).join(', ')}]`);
console.log(`reload - start-up: ${(reload - startup).toFixed(0)} ms (target <= 300 ms; includes the watcher debounce)`);
