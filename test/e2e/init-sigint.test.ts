/**
 * Ctrl+C during `init --install`, through the real binary and its signal handling: the
 * installer's whole process group is gone afterwards and the exit code is 130. A fake
 * `python3` on PATH stands in for a slow venv creation, so this runs offline and fast.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, tempWorkspace } from './helpers.js';
import { isAlive } from '../helpers/processes.js';


async function until(probe: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(process.platform === 'win32')('init: SIGINT during --install', { timeout: 60_000 }, () => {
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    assertBuilt();
    workspace = await tempWorkspace('loom-e2e-sigint-');
  });
  afterAll(() => workspace?.remove());

  it('kills the installer group, exits 130, keeps the scaffold and leaves no temp folder', async () => {
    const bin = join(workspace.dir, 'fakebin');
    const pidFile = join(workspace.dir, 'installer.pid');
    await mkdir(bin);
    // The "installer" and a child of it both must die: the child proves the group kill.
    await writeFile(join(bin, 'python3'), `#!/bin/sh\nsleep 120 &\necho "$$ $!" > "${pidFile}"\nwait\n`);
    await chmod(join(bin, 'python3'), 0o755);
    const cwd = join(workspace.dir, 'work');
    await mkdir(cwd);

    const child = spawn(process.execPath, [BIN, 'init', 'acme-ai', '--language', 'python', '--install', '--yes'], {
      cwd,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    await until(async () => existsSync(pidFile) && (await readFile(pidFile, 'utf8')).trim().split(' ').length === 2, 20_000);
    const pids = (await readFile(pidFile, 'utf8')).trim().split(' ').map(Number);
    expect(pids.every(isAlive)).toBe(true);

    const sentAt = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code, output).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(output).toContain('Interrupted');
    expect(output).toContain('Installation interrupted; the plugin files are in acme-ai. To install later: cd "acme-ai" && python3 -m venv .venv && .venv/bin/python -m pip install');
    await until(() => !pids.some(isAlive), 5000);
    expect(pids.filter(isAlive)).toEqual([]);
    // The scaffold was already in place when the install started; it stays.
    expect(existsSync(join(cwd, 'acme-ai', 'plugin.yaml'))).toBe(true);
    expect((await readdir(cwd)).filter((name) => name.includes('loom-init'))).toEqual([]);
  });
});
