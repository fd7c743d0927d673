#!/usr/bin/env node
/**
 * bench/dev.mjs — what the dev host costs, side by side in one run:
 *   1. throughput (autocannon, 10 connections, 5 s rounds, interleaved) straight to the
 *      plugin's /chat/completions versus through the host's /v1/chat/completions, and
 *      through bench/bare-proxy.mjs (the floor of any Node proxy: one more HTTP hop and
 *      nothing else), so the cost of the hop and the cost of the host read apart;
 *   2. latency (one keep-alive connection, sequential requests, hrtime) p50/p99, same pair;
 *   3. hot reload: time from a file save to the new version answering, versus the
 *      plugin's own start-up time (spawn -> first /health answer).
 * The host runs in its own Node process (like `loom-plugin dev`), so the load generator
 * does not share its event loop. Needs the build: `npx tsc -p tsconfig.json`.
 * Targets: >= 85% of direct throughput for a plugin that takes 5 ms or more to answer (a
 * plugin that does no work cannot be proxied at 85% on 2 shared cores; the bare-proxy
 * column shows that floor), < 1 ms added at p50, reload <= start-up + 300 ms.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = `${ROOT}bench/.work/dev`;
const PLUGIN = `${WORK}/echo`;
const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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
// Whatever happens, do not leave the host (and its plugin) running.
process.on('exit', () => hostProcess.kill('SIGTERM'));
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
/** CPU time (user + system, ms) a process used so far, from /proc (Linux). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}
async function pluginPid() {
  const res = await fetch(`${hostInfo.url}/api/plugins`, { headers: { authorization: `Bearer ${hostInfo.token}` } });
  return (await res.json()).plugins[0].pid;
}
/** Starts bench/bare-proxy.mjs in front of the plugin's current port. */
async function startBareProxy() {
  const pluginPort = new URL(direct.url).port;
  const child = spawn(process.execPath, [`${ROOT}bench/bare-proxy.mjs`, pluginPort], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`bare proxy exited with ${code}`)));
  });
  return { child, target: { name: 'bare proxy', url: `http://127.0.0.1:${port}/chat/completions`, headers: direct.headers } };
}
async function throughputScenario(label) {
  const rps = { direct: [], 'via host': [], 'bare proxy': [] };
  const p50 = { direct: [], 'via host': [], 'bare proxy': [] };
  const hostCpu = [];
  const plugin = await pluginPid();
  const pluginCpu = [];
  const bareCpu = [];
  const bare = await startBareProxy();
  const orders = [[direct, viaHost, bare.target], [viaHost, bare.target, direct], [bare.target, direct, viaHost]];
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of orders[round % orders.length]) {
      const hostBefore = cpuMs(hostProcess.pid);
      const bareBefore = cpuMs(bare.child.pid);
      const pluginBefore = cpuMs(plugin);
      const result = await cannon(target);
      if (result.non2xx || result.errors) throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      rps[target.name].push(result.requests.average);
      p50[target.name].push(result.latency.p50);
      if (target === viaHost) {
        hostCpu.push(((cpuMs(hostProcess.pid) - hostBefore) * 1000) / result.requests.total);
        pluginCpu.push(((cpuMs(plugin) - pluginBefore) * 1000) / result.requests.total);
      }
      if (target === bare.target) bareCpu.push(((cpuMs(bare.child.pid) - bareBefore) * 1000) / result.requests.total);
    }
  }
  bare.child.kill('SIGTERM');
  return { label, rps, p50, hostCpuUs: mean(hostCpu), pluginCpuUs: mean(pluginCpu), bareCpuUs: mean(bareCpu) };
}
async function setBehaviour(value) {
  writeFileSync(`${PLUGIN}/behaviour.json`, JSON.stringify(value));
  // Wait until the reloaded version answers.
  for (;;) {
    const res = await fetch(viaHost.url, { method: 'POST', headers: viaHost.headers, body });
    if ((await res.text()).includes(`echo(${value.version})`)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // The new version runs on a fresh port: aim the direct runs at it.
  const res = await fetch(`${hostInfo.url}/api/plugins`, { headers: { authorization: `Bearer ${hostInfo.token}` } });
  direct.url = `http://127.0.0.1:${(await res.json()).plugins[0].port}/chat/completions`;
}
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const scenarios = [];
scenarios.push(await throughputScenario('zero-work plugin (worst case for a proxy)'));
await setBehaviour({ version: 'slow', replyDelayMs: 5 });
scenarios.push(await throughputScenario('plugin answering in 5 ms (faster than any hosted model)'));
await setBehaviour({ version: 'slower', replyDelayMs: 25 });
scenarios.push(await throughputScenario('plugin answering in 25 ms (a fast provider; real ones take 100s of ms)'));
await setBehaviour({ version: 'v1' });

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
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const pad = (text, width) => String(text).padEnd(width);
let load = '';
try {
  load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
} catch {}
console.log(`\nloom-plugin dev overhead — ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s, 10 connections (load average ${load})`);
for (const scenario of scenarios) {
  const rpsDirect = mean(scenario.rps.direct);
  const rpsHost = mean(scenario.rps['via host']);
  const rpsBare = mean(scenario.rps['bare proxy']);
  console.log(`\n${scenario.label}`);
  console.log(`  ${pad('', 12)}${pad('req/s', 10)}autocannon p50 ms`);
  for (const name of ['direct', 'via host', 'bare proxy']) {
    console.log(`  ${pad(name, 12)}${pad(mean(scenario.rps[name]).toFixed(0), 10)}${mean(scenario.p50[name]).toFixed(1)}`);
  }
  const target = scenario.label.startsWith('zero-work') ? 'no target: see the bare proxy' : 'target >= 85%';
  console.log(`  throughput via host: ${((rpsHost / rpsDirect) * 100).toFixed(1)}% of direct (${target})`);
  console.log(`  the extra hop alone (bare proxy): ${((rpsBare / rpsDirect) * 100).toFixed(1)}% of direct; the host: ${((rpsHost / rpsBare) * 100).toFixed(1)}% of the bare proxy`);
  console.log(`  CPU per request: host ${scenario.hostCpuUs.toFixed(0)} µs, bare proxy ${scenario.bareCpuUs.toFixed(0)} µs, plugin ${scenario.pluginCpuUs.toFixed(0)} µs`);
}
const p50Direct = quantile(latencies.direct, 0.5);
const p50Host = quantile(latencies['via host'], 0.5);
const p99Direct = quantile(latencies.direct, 0.99);
const p99Host = quantile(latencies['via host'], 0.99);
console.log(`\nlatency, one keep-alive connection, 3000 sequential requests each (zero-work plugin)`);
console.log(`  direct   p50 ${p50Direct.toFixed(3)} ms  p99 ${p99Direct.toFixed(3)} ms`);
console.log(`  via host p50 ${p50Host.toFixed(3)} ms  p99 ${p99Host.toFixed(3)} ms`);
console.log(`  added at p50: ${(p50Host - p50Direct).toFixed(3)} ms (target < 1 ms); at p99: ${(p99Host - p99Direct).toFixed(3)} ms`);
const startup = quantile(startups, 0.5);
const reload = quantile(reloads, 0.5);
console.log(`\nplugin start-up (spawn -> /health answers), median of 5: ${startup.toFixed(0)} ms  [${startups.map((v) => v.toFixed(0)).join(', ')}]`);
console.log(`file save -> new version serving, median of 5:       ${reload.toFixed(0)} ms  [${reloads.map((v) => v.toFixed(0)).join(', ')}]`);
console.log(`reload - start-up: ${(reload - startup).toFixed(0)} ms (target <= 300 ms; includes the 150 ms watcher debounce)`);
