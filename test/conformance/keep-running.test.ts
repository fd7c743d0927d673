/**
 * `test --keep-running`: the printed curl line of a failure, run while the plugin is held,
 * gets the status the report showed; secrets in it are read from LOOM_CONFIG_<NAME>, not
 * masked; Ctrl+C stops the plugin and the mock and exits 130. Spawns the built binary.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../bin/loom-plugin.js');
const broken = (name: string) => resolve(import.meta.dirname, '../fixtures/plugins/broken', name);

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** Starts a held run and resolves with its output once the hold banner is printed. */
function holdRun(dir: string, only: string, extra: string[] = []): Promise<{ output: () => string; exited: Promise<number | null> }> {
  child = spawn(process.execPath, [bin, 'test', dir, '--only', only, '--keep-running', ...extra], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const started = child;
  const exited = new Promise<number | null>((done) => started.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no hold banner:\n${text}`)), 30_000);
    const collect = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Still running')) {
        clearTimeout(timer);
        done({ output: () => text, exited });
      }
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    void exited.then(() => fail(new Error(`exited before holding:\n${text}`)));
  });
}

function curlStatus(line: string, env: NodeJS.ProcessEnv = {}): number {
  // Run exactly as printed, by a shell, as a person pasting it would.
  const out = execFileSync('bash', ['-c', `${line} -o /dev/null -w '%{http_code}'`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
}

function reported(output: string): { status: number; curl: string } {
  const status = /Request: {2}\S+ \S+ -> (\d+)/.exec(output)?.[1];
  const curl = /Reproduce:\n\s+(curl .+)\n/.exec(output)?.[1];
  if (!status || !curl) throw new Error(`no failure with a curl line in:\n${output}`);
  return { status: Number(status), curl };
}

describe('test --keep-running', () => {
  it('holds the plugin: the failure\'s curl line gets the reported status; Ctrl+C exits 130 and stops it', async () => {
    const held = await holdRun(broken('messages-not-array-500'), 'errors.messages-not-array');
    const output = held.output();
    const { status, curl } = reported(output);
    expect(status).toBe(500);
    // The child runs in this process's folder, so the replay names the plugin relative to it.
    expect(output).toContain(`Replay:   loom-plugin test ${relative(process.cwd(), broken('messages-not-array-500'))} --only errors.messages-not-array --keep-running`);
    expect(output).toMatch(/plugin {9}http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/mock upstream {2}http:\/\/127\.0\.0\.1:\d+/);
    expect(curlStatus(curl)).toBe(status);

    child?.kill('SIGINT');
    expect(await held.exited).toBe(130);
    expect(held.output()).toContain('Stopped the plugin and the mock upstream.');
    const pluginUrl = /plugin {9}(http:\S+)/.exec(output)?.[1] ?? '';
    expect(() => curlStatus(`curl -sS --max-time 2 '${pluginUrl}/health'`)).toThrow();
  }, 60_000);

  it('without a mock and with the key from --config, the banner says so and never shows the key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-hold-'));
    try {
      const secret = 'sk-own-key-0123456789abcdef';
      const file = join(dir, 'own.yaml');
      await writeFile(file, `api_key: ${secret}\nendpoint: http://127.0.0.1:9\n`);
      const held = await holdRun(broken('initialize-201'), 'lifecycle.initialize', ['--no-mock-upstream', '--config', file]);
      const output = held.output();
      expect(output).not.toContain(secret);
      expect(output).not.toMatch(/mock upstream {2}http/);
      expect(output).not.toContain("mock's normal answers");
      expect(output).toContain('there is no mock upstream in this run');
      expect(output).not.toContain('from your environment');
      expect(output).toContain(`The curl lines read $LOOM_CONFIG_API_KEY: set it to "api_key" from ${file} before pasting them`);
      child?.kill('SIGINT');
      expect(await held.exited).toBe(130);
      expect(held.output()).toContain('Stopped the plugin.');
      expect(held.output()).not.toContain(secret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a curl line with a secret reads it from $LOOM_CONFIG_API_KEY and works with it set', async () => {
    const held = await holdRun(broken('initialize-201'), 'lifecycle.initialize');
    const output = held.output();
    const { status, curl } = reported(output);
    expect(status).toBe(201);
    expect(curl).toContain(`"'"$LOOM_CONFIG_API_KEY"'"`);
    expect(curl).not.toContain('***');
    const key = /export LOOM_CONFIG_API_KEY='([^']+)'/.exec(output)?.[1];
    expect(key).toBeDefined();
    expect(curlStatus(curl, { LOOM_CONFIG_API_KEY: key })).toBe(status);
    child?.kill('SIGTERM');
    expect(await held.exited).toBe(130);
  }, 60_000);
});
