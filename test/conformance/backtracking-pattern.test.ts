/**
 * `loom-plugin test` on a manifest whose config field has a catastrophically backtracking
 * `validation.pattern` and no value: the run used to hang while generating the field's
 * test value, deaf to Ctrl+C. The built binary is spawned with a kill timer, so a hang
 * fails in seconds. Needs the build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempPlugins, slowModelsWrapper, tempPlugin } from './command-helpers.js';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');
const dist = resolve(import.meta.dirname, '../../dist/cli.js');
const REGION = '    - name: region\n      type: string\n      required: true\n      description: Upstream region.\n      validation:\n        pattern: "^(x+)+y$"\n        min_length: 40\n';
// The reference server serves the fixture's own metadata (without region): that check is not this test's business.
const ARGS = ['--skip', 'metadata.matches-manifest'];

afterAll(async () => {
  await removeTempPlugins();
});

interface Run {
  code: Promise<number | null>;
  output: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

/** Spawns `loom-plugin test`; SIGKILLed after `limitMs` so a hang fails instead of blocking the suite. */
function start(dir: string, limitMs: number): Run {
  expect(existsSync(dist), 'dist/ is missing: run npm run build first').toBe(true);
  const cli = spawn(process.execPath, [bin, 'test', dir, ...ARGS], { env: { PATH: process.env.PATH, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => cli.kill('SIGKILL'), limitMs);
  const code = new Promise<number | null>((done) =>
    cli.on('exit', (exit) => {
      clearTimeout(timer);
      done(exit);
    }),
  );
  return { code, output: () => output, kill: (signal) => cli.kill(signal) };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('loom-plugin test with a backtracking validation.pattern', () => {
  it('finishes, and notes that the generated value was not checked against the pattern', async () => {
    const dir = await tempPlugin({ extraConfig: REGION });
    const run = start(dir, 30_000);
    const code = await run.code;
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/Note: Matching the generated value of config field region against validation\.pattern took too long; it was not checked/);
  }, 40_000);

  it('answers Ctrl+C with exit 130', async () => {
    // /models is slowed down so the run is surely mid-way when SIGINT arrives.
    const wrapper = slowModelsWrapper();
    const dir = await tempPlugin({ wrapper, extraConfig: REGION });
    const run = start(dir, 30_000);
    // The checks print only after the config is resolved: before the fix it never was.
    await waitFor(() => /metadata\.schema/.test(run.output()), 15_000).catch(() => undefined);
    run.kill('SIGINT');
    const code = await run.code;
    expect(code, run.output()).toBe(130);
    expect(run.output()).toContain('Interrupted.');
  }, 40_000);
});
