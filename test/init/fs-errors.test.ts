/**
 * `init` meets an ordinary file-system problem (a --directory that is a file or /dev/null,
 * a path through a file, a folder it may not write to) or a name the other commands skip:
 * a sentence and a hint with exit 2, never "Internal error", and nothing left behind.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';
import { permissionBoundSpawn } from '../helpers/unprivileged.js';
import { removeAll, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../../bin/loom-plugin.js', import.meta.url));
const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

async function cwd(): Promise<string> {
  const dir = await tempDir();
  cleanup.push(dir);
  await writeFile(join(dir, 'a-file'), 'not a folder\n');
  return dir;
}

const init = (name: string, ...more: string[]) => ['init', name, '--language', 'node', '--yes', '--no-install', ...more];

describe('init and file-system errors', () => {
  it.each([
    ['a file', 'a-file', /--directory a-file is not a folder/],
    ['/dev/null', '/dev/null', /--directory \/dev\/null is not a folder/],
    ['a path through a file', 'a-file/sub', /a part of the path is a file, not a folder/],
  ])('--directory that is %s: exit 2 with a sentence and a hint', async (_what, directory, message) => {
    const dir = await cwd();
    const { code, stderr } = await runCli(init('acme', '--directory', directory), { cwd: dir });
    expect(stderr).not.toContain('Internal error');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Hint: Pass --directory with a folder');
    expect(code).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['a-file']);
  });

  // As root with a checkout `nobody` cannot read, no permission can be missing: skipped.
  const asUser = permissionBoundSpawn(BIN);
  it.skipIf(asUser === undefined)('a folder the user may not write to (EACCES): exit 2 with a sentence and a hint', async () => {
    const dir = await cwd();
    const locked = join(dir, 'locked');
    await mkdir(locked);
    await chmod(dir, 0o755);
    await chmod(locked, 0o555);
    // Root writes anywhere; it runs as nobody then, so the permission really is missing.
    const run = spawnSync(process.execPath, [BIN, ...init('acme', '--directory', locked)], { cwd: dir, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, NO_COLOR: '1' }, ...asUser });
    expect(run.stderr).not.toContain('Internal error');
    expect(run.stderr).toContain(`Cannot create the plugin in ${join(locked, 'acme')}: permission denied`);
    expect(run.stderr).toContain('Hint: Pass --directory with a folder you can write to');
    expect(run.status).toBe(2);
    expect(await readdir(locked)).toEqual([]);
  });
});

describe('init and names the other commands skip', () => {
  it.each(['node_modules', 'venv', '__pycache__'])('refuses %s with a suggestion (validate/test/dev would never find it)', async (name) => {
    const dir = await cwd();
    const { code, stderr } = await runCli(['init', name, '--language', 'python', '--yes', '--no-install'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('never search');
    expect(stderr).toMatch(/Hint: Try "[a-z0-9-]+"/);
    expect((await readdir(dir)).sort()).toEqual(['a-file']);
  });
});
