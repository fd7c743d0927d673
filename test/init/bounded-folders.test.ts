/**
 * Every loop in `init` ends: folders that cannot be created (a pseudo file system, a file
 * in the way) are one clear error at once, never a retry loop, and backup names run out
 * with an error instead of counting forever.
 */
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError, LoomPluginError } from '../../src/core/errors.js';
import { makeFolders } from '../../src/core/init/make-folders.js';
import { mergeIntoFolder } from '../../src/core/init/place-files.js';
import { runCli } from '../helpers/memory-io.js';
import { removeAll, tempDir } from './helpers.js';

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

async function scratch(): Promise<string> {
  const dir = await tempDir();
  cleanup.push(dir);
  return dir;
}

describe('init --directory where no folder can be made', () => {
  it.runIf(existsSync('/proc/self'))('under /proc: exit 2 at once with a sentence (Node\'s recursive mkdir spins there forever)', async () => {
    const started = performance.now();
    const { code, stderr } = await runCli(['init', 'acme', '--language', 'python', '--directory', '/proc/self/x', '--no-install'], { cwd: await scratch() });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot create the folder /proc/self/x');
    expect(stderr).toContain('Hint: Pass --directory');
    expect(stderr).not.toContain('Internal error');
  });
});

describe('makeFolders', () => {
  it('creates the missing levels and returns the first it created', async () => {
    const dir = await scratch();
    expect(await makeFolders(join(dir, 'a', 'b', 'c'))).toBe(join(dir, 'a'));
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
    expect(await makeFolders(join(dir, 'a', 'b'))).toBeUndefined();
  });

  it('a file in the way is named in the error', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'notes.txt'), 'x');
    const error = await makeFolders(join(dir, 'notes.txt', 'a')).catch((caught: unknown) => caught);
    expect((error as LoomPluginError).code).toBe('E_FILE_WRITE');
    expect((error as LoomPluginError).message).toContain(`${join(dir, 'notes.txt')} is a file, not a folder`);
  });

  it('a loop of symbolic links is said in words, with the same hint init gives elsewhere', async () => {
    const dir = await scratch();
    await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
    await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
    const error = await makeFolders(join(dir, 'loop-a', 'plugin')).catch((caught: unknown) => caught);
    expect((error as LoomPluginError).code).toBe('E_FILE_WRITE');
    expect((error as LoomPluginError).message).toContain('the path has a loop of symbolic links');
    expect((error as LoomPluginError).hint).toBe('Pass --directory with the real folder.');
  });

  it('stops between levels when interrupted', async () => {
    const dir = await scratch();
    const controller = new AbortController();
    controller.abort();
    await expect(makeFolders(join(dir, 'a', 'b'), controller.signal)).rejects.toBeInstanceOf(InterruptedError);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });
});

describe('--force backups', () => {
  it('a thousand existing backups end in an error, not an endless search for a free name', async () => {
    const dir = await scratch();
    const target = join(dir, 'target');
    const temp = join(dir, 'temp');
    await mkdir(target);
    await mkdir(temp);
    await writeFile(join(temp, 'plugin.yaml'), 'new');
    await writeFile(join(target, 'plugin.yaml'), 'old');
    await writeFile(join(target, 'plugin.yaml.bak'), 'old');
    for (let i = 1; i < 1000; i++) await writeFile(join(target, `plugin.yaml.bak.${i}`), 'old');
    const error = await mergeIntoFolder(temp, target, ['plugin.yaml']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LoomPluginError);
    expect((error as LoomPluginError).code).toBe('E_FILE_WRITE');
    expect((error as LoomPluginError).message).toContain('1000 backups');
  });
});
