import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';
import { entries, removeAll, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

async function cwd(): Promise<string> {
  const dir = await tempDir();
  cleanup.push(dir);
  return dir;
}

describe('loom-plugin init without a terminal', () => {
  it('exits 2 at once naming both missing flags, and writes nothing', async () => {
    const dir = await cwd();
    const started = performance.now();
    const { code, stderr, stdout } = await runCli(['init'], { cwd: dir });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(code).toBe(2);
    expect(stderr).toContain('Missing <name> and --language <python|node|go>');
    expect(stderr).toContain('cannot ask');
    expect(stderr).toContain('Hint: Pass them on the command line');
    expect(stdout).toBe('');
    expect(await entries(dir)).toEqual([]);
  });

  it('names only --language when the name is given, even with --yes', async () => {
    const { code, stderr } = await runCli(['init', 'acme', '--yes'], { cwd: await cwd() });
    expect(code).toBe(2);
    expect(stderr).toContain('Missing --language <python|node|go>');
    expect(stderr).not.toContain('<name>');
  });

  it('does not prompt in CI even on a terminal', async () => {
    const { code, stderr } = await runCli(['init'], { cwd: await cwd(), tty: true, env: { PATH: process.env.PATH, CI: 'true' } });
    expect(code).toBe(2);
    expect(stderr).toContain('Missing <name>');
  });

  it('a bad name is exit 2 with the broken rule and a suggestion', async () => {
    const dir = await cwd();
    const { code, stderr } = await runCli(['init', 'class', '--language', 'python'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('"class" is not a valid python plugin name');
    expect(stderr).toContain('Python keyword');
    expect(stderr).toContain('Try "class-plugin"');
    expect(await entries(dir)).toEqual([]);
  });

  it('a bad provider type is exit 2 with a suggestion', async () => {
    const { code, stderr } = await runCli(['init', 'acme', '--language', 'python', '--provider-type', 'Acme Corp'], { cwd: await cwd() });
    expect(code).toBe(2);
    expect(stderr).toContain('not a valid provider type');
    expect(stderr).toContain('--provider-type acme-corp');
  });

  it('refuses a non-empty folder (E_TARGET_EXISTS, exit 2) and keeps it as it was', async () => {
    const dir = await cwd();
    await mkdir(join(dir, 'acme'));
    await writeFile(join(dir, 'acme', 'keep.txt'), 'x');
    const { code, stderr } = await runCli(['init', 'acme', '--language', 'python'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('already exists and is not empty');
    expect(stderr).toContain('--force');
    expect(await entries(join(dir, 'acme'))).toEqual(['keep.txt']);
  });

  it('scaffolds the real Python template with flags and defaults, then prints the next steps', async () => {
    const dir = await cwd();
    const { code, stdout, stderr } = await runCli(['init', 'acme-ai', '--language', 'python', '--provider-type', 'acme', '--no-streaming'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Created acme-ai \(python, \d+ files\)/);
    expect(stdout).toContain('plugin.yaml');
    expect(stdout).toContain('cd acme-ai');
    expect(stdout).toContain('python3 -m venv .venv');
    expect(stdout).toContain('npx loom-plugin test');
    expect(stdout).toContain('npx loom-plugin dev --mock-upstream');
    expect(existsSync(join(dir, 'acme-ai', '.gitignore'))).toBe(true);
    expect(existsSync(join(dir, 'acme-ai', '_gitignore'))).toBe(false);
    expect(await entries(dir)).toEqual(['acme-ai']);
  });

  it('an already aborted signal ends with exit 130 and nothing written', async () => {
    const dir = await cwd();
    const { memoryIo } = await import('../helpers/memory-io.js');
    const { main } = await import('../../src/cli.js');
    const io = memoryIo({ cwd: dir });
    io.controller.abort();
    expect(await main(['init', 'acme', '--language', 'go'], io)).toBe(130);
    expect(io.stderr.text).toContain('Interrupted');
    expect(await entries(dir)).toEqual([]);
  });
});
