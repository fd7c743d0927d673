/**
 * Small things a new user met in one walk through the CLI (issue: help texts, paths in
 * messages, hints after a typo, twin manifests, a README passed as a manifest).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseArgs } from '../../src/cli.js';
import { memoryIo, runCli } from '../helpers/memory-io.js';

const REFERENCE = resolve(import.meta.dirname, '../fixtures/plugins/reference/plugin.yaml');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-usability-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('durations', () => {
  it('test --help names the unit and shows the defaults as durations', async () => {
    const help = (await runCli(['test', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--timeout <duration>');
    expect(help).toContain('a bare number is seconds (default: 10s)');
    expect(help).toContain('(default: 30s)');
    expect(help).not.toContain('<ms>');
  });

  it('test --help says durations stop at 24 hours and that /initialize waits the host\'s 30 s unless --timeout is given', async () => {
    const help = (await runCli(['test', '--help'])).stdout.replace(/\s+/g, ' ');
    const flag = (name: string, next: string): string => help.slice(help.indexOf(`${name} <duration>`), help.indexOf(next));
    expect(flag('--startup-timeout', '--timeout')).toContain('at most 24 hours (1440m)');
    const timeout = flag('--timeout', '--list');
    expect(timeout).toContain('at most 24 hours (1440m)');
    expect(timeout).toContain("POST /initialize waits the host's 30s unless this is given");
  });

  it.each([
    ['5', 5000],
    ['5s', 5000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5', 1500],
  ])('--timeout %s is %d ms', async (value, ms) => {
    const parsed = await parseArgs(['test', '--timeout', value, '--startup-timeout', value], memoryIo());
    expect(parsed.command === 'test' && [parsed.options.timeoutMs, parsed.options.startupTimeoutMs]).toEqual([ms, ms]);
  });
});

it('test --help says what each --profile means, and its default once', async () => {
  const help = (await runCli(['test', '--help'])).stdout.replace(/\s+/g, ' ');
  const profile = help.slice(help.indexOf('--profile'), help.indexOf('--bail'));
  expect(profile).toContain('loom-host (what the shipped Loom host accepts)');
  expect(profile).toContain("guide (the plugin development guide's contract");
  expect(profile.match(/default/g)).toHaveLength(1);
});

it('sync --help says why plugin.json is written at all', async () => {
  const help = (await runCli(['sync', '--help'])).stdout.replace(/\s+/g, ' ');
  expect(help).toContain('the shipped Loom host ignores the snake_case keys of plugin.yaml');
});

it('dev --help prints the --host default once', async () => {
  const help = (await runCli(['dev', '--help'])).stdout;
  const hostOption = help.slice(help.indexOf('--host'), help.indexOf('--token'));
  expect(hostOption.match(/127\.0\.0\.1/g)).toHaveLength(1);
});

it('a missing absolute path is shown as given, not as ../../..', async () => {
  const missing = join(tmpdir(), 'loom-no-such-plugin-folder');
  const result = await runCli(['test', missing], { cwd: dir });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`${missing} does not exist.`);
  expect(result.stderr).not.toContain('../');
});

describe('unknown options say where to look', () => {
  it.each([
    [['test', '--frobnicate'], 'Hint: Run loom-plugin test --help to see its options.'],
    [['validate', '--fix-all'], 'Hint: Run loom-plugin validate --help to see its options.'],
    [['tset'], 'Run loom-plugin --help to see the commands and their options.'],
    [['init', 'a', 'b', '--yes'], 'Hint: Run loom-plugin init --help to see how to call it.'],
  ])('%j', async (argv, hint) => {
    const result = await runCli(argv, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(hint);
  });
});

describe("commander's own usage errors read like the tool's: a capitalised sentence, then a hint", () => {
  it.each([
    [['test', '--frobnicate'], 'Error: Unknown option "--frobnicate".\nHint: Run loom-plugin test --help to see its options.\n'],
    [['validate', '--formt', 'json'], 'Error: Unknown option "--formt".\nHint: Did you mean "--format"? Run loom-plugin validate --help to see its options.\n'],
    [['tset'], 'Error: Unknown command "tset".\nHint: Did you mean "test"? Run loom-plugin --help to see the commands and their options.\n'],
    [['test', '--timeout'], 'Error: Option --timeout needs a value (--timeout <duration>).\nHint: Run loom-plugin test --help to see how to call it.\n'],
    [['schema', 'a', 'b'], "Error: Too many arguments for 'schema'. Expected 1 argument but got 2.\nHint: Run loom-plugin schema --help to see how to call it.\n"],
    [['test', '--api-key=sk-live-9'], 'Error: Unknown option "--api-key=…".\nHint: Run loom-plugin test --help to see its options.\n'],
  ])('%j', async (argv, stderr) => {
    const result = await runCli(argv, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(stderr);
  });
});

describe('validate', () => {
  it('says a README is not a manifest instead of parsing Markdown as YAML', async () => {
    await writeFile(join(dir, 'README.md'), '# My plugin\n\n- runs on `8090`\n');
    const result = await runCli(['validate', 'README.md'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('README.md is not a plugin manifest');
    expect(result.stdout).toBe('');
    const test = await runCli(['test', 'README.md'], { cwd: dir });
    expect(test.code).toBe(2);
    expect(test.stderr).toContain('README.md is not a plugin manifest');
  });

  it('prints a warning of twin manifests once, on plugin.yaml', async () => {
    const plugin = await mkdtemp(join(dir, 'twins-'));
    const yaml = `${await readFile(REFERENCE, 'utf8')}\nhealth_check_intervall: 30\n`;
    await writeFile(join(plugin, 'plugin.yaml'), yaml);
    await writeFile(join(plugin, 'plugin.json'), JSON.stringify(parse(yaml), null, 2));
    const result = await runCli(['validate', '--format', 'json'], { cwd: plugin });
    const report = JSON.parse(result.stdout) as { files: Array<{ file: string; diagnostics: Array<{ rule: string }> }> };
    const rules = report.files.flatMap((file) => file.diagnostics.map((d) => `${file.file} ${d.rule}`));
    expect(rules).toEqual(['plugin.yaml manifest/unknown-key']);
    const human = await runCli(['validate'], { cwd: plugin });
    expect(human.stdout.match(/health_check_intervall/g)).toHaveLength(1);
  });
});
