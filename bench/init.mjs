#!/usr/bin/env node
/**
 * bench/init.mjs — how long `loom-plugin init` takes without --install, side by side with
 * the floor it cannot beat: `node -e 0` (process start) and a plain recursive copy of the
 * same template folder in a fresh node process. Rounds are interleaved, medians printed.
 * Also times scaffoldPlugin() in-process (no process start). Needs the build (dist/).
 *
 *   node bench/init.mjs [--rounds 9] [--language python|node|go] [--provider-api openai|anthropic|...]
 *
 * Target: a scaffold well under a second.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};
const rounds = Number(option('--rounds', '9'));
const language = option('--language', 'python');
const providerApi = option('--provider-api', 'openai');
const bin = join(root, 'bin', 'loom-plugin.js');
if (!existsSync(join(root, 'dist', 'bundle', 'cli.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}
const work = join(root, 'bench', '.work', 'init');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const template = join(root, 'templates', language);

function time(command, commandArgs) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    console.error(`${command} ${commandArgs.join(' ')} failed (${result.status}):\n${result.stderr}`);
    process.exit(1);
  }
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const samples = { nodeStart: [], version: [], copy: [], init: [], inProcess: [] };
const { scaffoldPlugin } = await import(join(root, 'dist', 'index.js'));
for (let round = 0; round < rounds; round += 1) {
  samples.nodeStart.push(time(process.execPath, ['-e', '0']));
  samples.version.push(time(process.execPath, [bin, '--version']));
  samples.copy.push(time(process.execPath, ['-e', `require('fs').cpSync(${JSON.stringify(template)}, ${JSON.stringify(join(work, `copy-${round}`))}, { recursive: true })`]));
  samples.init.push(time(process.execPath, [bin, 'init', `bench-${round}`, '--language', language, '--provider-api', providerApi, '--yes']));
  const started = process.hrtime.bigint();
  await scaffoldPlugin({
    name: `inproc-${round}`, language, providerType: 'bench', providerApi, description: 'bench', author: 'bench', license: 'MIT',
    capabilities: { streaming: true, functionCalling: false, vision: false }, port: 8090,
  }, { cwd: work });
  samples.inProcess.push(Number(process.hrtime.bigint() - started) / 1e6);
}
rmSync(work, { recursive: true, force: true });

const rows = [
  ['node -e 0 (process start)', samples.nodeStart],
  ['loom-plugin --version (CLI cold start)', samples.version],
  [`node + recursive copy of templates/${language}`, samples.copy],
  [`loom-plugin init --language ${language} --provider-api ${providerApi} --yes`, samples.init],
  ['scaffoldPlugin() in-process (after first load)', samples.inProcess.slice(1)],
];
console.log(`init bench: ${rounds} interleaved rounds, medians (min..max); load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
for (const [label, values] of rows) {
  console.log(`  ${label.padEnd(52)} ${median(values).toFixed(1).padStart(7)} ms  (${Math.min(...values).toFixed(1)}..${Math.max(...values).toFixed(1)})`);
}
const initMedian = median(samples.init);
console.log(`  init over node start: +${(initMedian - median(samples.nodeStart)).toFixed(1)} ms; over plain copy: +${(initMedian - median(samples.copy)).toFixed(1)} ms`);
console.log(`  target well under 1000 ms: ${initMedian < 1000 ? 'met' : 'NOT met'}`);
