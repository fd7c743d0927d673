/**
 * Every error is one sentence plus a `Hint:` saying what to do. These invocations once
 * printed only the sentence; init's name check named one broken rule and counted the rest.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-error-hints-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const INIT = ['--yes', '--no-install'];

describe('usage errors carry a Hint line', () => {
  it.each([
    [['test', '--timeout', '0'], /^Error: --timeout must be greater than zero\.$/m],
    [['test', '--startup-timeout', '0ms'], /^Error: --startup-timeout must be greater than zero\.$/m],
    [['test', '--reporter', 'xml'], /^Error: --reporter must be one of/m],
    [['test', '--profile', 'host'], /^Error: --profile must be one of/m],
    [['init', 'x', '--language', 'ruby'], /^Error: --language must be one of/m],
    [['init', 'x', '--port', '0'], /^Error: --port must be a port number/m],
    [['dev', '--port', '70000'], /^Error: --port must be a port number/m],
    [['init', 'x', '--language', 'python', '--description', 'a\nb', ...INIT], /^Error: The description must be one line/m],
    [['init', 'x', '--language', 'python', '--license', 'MIT\u0001', ...INIT], /^Error: The license must be one line/m],
    [['init', 'x', '--language', 'python', '--author', 'A\u001b[31mB', ...INIT], /^Error: The author must be one line/m],
    [['init', 'My Plugin', '--language', 'node', ...INIT], /^Error: "My Plugin" is not a valid node plugin name/m],
  ])('%j', async (argv, message) => {
    const { code, stderr } = await runCli(argv, { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^Hint: \S.*$/m);
  });

  it('the hint of a duration or port says which value would do', async () => {
    expect((await runCli(['test', '--timeout', '0'])).stderr).toContain('Hint: Give a positive duration such as 30s');
    expect((await runCli(['init', 'x', '--port', '0'])).stderr).toContain('Hint: Pass a free port such as --port 8090.');
    expect((await runCli(['test', '--reporter', 'xml'])).stderr).toContain('Hint: Pass one of human, json, junit, github, e.g. --reporter human.');
  });
});

describe('init names every rule a plugin name breaks', () => {
  it('"My Plugin" for node: upper case and the space, each said, in one sentence', async () => {
    const { stderr } = await runCli(['init', 'My Plugin', '--language', 'node', ...INIT], { cwd: dir });
    const message = stderr.split('\n')[0] ?? '';
    expect(message).toBe(
      'Error: "My Plugin" is not a valid node plugin name: npm package names must be lower case; npm package names may contain only letters, digits and - . _ ~.',
    );
    expect(stderr).toContain('Hint: Try "my-plugin".');
  });
});
