import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installDependencies, installSteps, runInstallStep } from '../../src/core/init/install.js';
import { runCli } from '../helpers/memory-io.js';
import { removeAll, tempDir } from './helpers.js';
import { isAlive } from '../helpers/processes.js';

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

async function dir(): Promise<string> {
  const path = await tempDir();
  cleanup.push(path);
  return path;
}


async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A folder with a fake tool on PATH that prints and exits with the given code. */
async function fakeTool(code: number, tool = 'npm'): Promise<NodeJS.ProcessEnv> {
  const bin = join(await dir(), 'bin');
  await mkdir(bin);
  await writeFile(join(bin, tool), `#!/bin/sh\necho "${tool} ERR! registry unreachable (fake)" >&2\nexit ${code}\n`);
  await chmod(join(bin, tool), 0o755);
  return { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
}

describe.skipIf(process.platform === 'win32')('installers', () => {
  it('lists the steps per language (Python installs dev requirements too when present)', async () => {
    const plugin = await dir();
    await writeFile(join(plugin, 'requirements.txt'), 'flask\n');
    await writeFile(join(plugin, 'requirements-dev.txt'), '-r requirements.txt\npytest\n');
    const python = await installSteps(plugin, 'python');
    expect(python.map((s) => [s.command, ...s.args].join(' '))).toEqual([
      'python3 -m venv .venv',
      '.venv/bin/python -m pip install --disable-pip-version-check -r requirements.txt -r requirements-dev.txt',
    ]);
    expect((await installSteps(plugin, 'node')).map((s) => s.command)).toEqual(['npm']);
    expect((await installSteps(plugin, 'go')).map((s) => s.args.join(' '))).toEqual(['mod download', 'build -o bin/plugin .']);
  });

  it('a failing step is E_INSTALL_FAILED (exit 1) with the tool output and how to retry', async () => {
    const plugin = await dir();
    const env = await fakeTool(7);
    const error = await installDependencies(plugin, 'node', { env }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_INSTALL_FAILED', exitCode: 1, message: 'npm install --no-audit --no-fund failed (exit code 7).' });
    const { details, hint } = error as { details: { output: string }; hint: string };
    expect(details.output).toContain('registry unreachable (fake)');
    expect(hint).toContain(`cd "${plugin}" && npm install --no-audit --no-fund`);
  });

  it('a missing tool is E_INSTALL_FAILED naming it', async () => {
    const error = await runInstallStep({ label: 'x', command: 'definitely-not-a-tool-4711', args: [] }, await dir()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_INSTALL_FAILED', message: expect.stringContaining('definitely-not-a-tool-4711 was not found') });
  });

  it('an abort kills the installer and its children (process group), then InterruptedError', async () => {
    const plugin = await dir();
    const pidFile = join(plugin, 'grandchild.pid');
    const script = `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`;
    const controller = new AbortController();
    const running = runInstallStep({ label: 'slow', command: process.execPath, args: ['-e', script] }, plugin, { signal: controller.signal });
    const pid = await waitFor(async () => (existsSync(pidFile) ? Number(await readFile(pidFile, 'utf8')) : undefined));
    expect(isAlive(pid)).toBe(true);
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'E_INTERRUPTED', exitCode: 130 });
    await waitFor(async () => (isAlive(pid) ? undefined : true), 5000);
    expect(isAlive(pid)).toBe(false);
  });

  it('the command keeps the scaffold when the install fails, shows the output and exits 1', async () => {
    const cwd = await dir();
    const env = await fakeTool(1, 'python3');
    const { code, stderr, stdout } = await runCli(['init', 'acme-ai', '--language', 'python', '--install'], { cwd, env });
    expect(stderr).toContain('Error: python3 -m venv .venv failed (exit code 1).');
    expect(code).toBe(1);
    expect(stdout).toContain('Created acme-ai');
    expect(stderr).toContain('Creating the virtual environment (.venv) (1/2)');
    expect(stderr).toContain('--- installer output (last lines) ---');
    expect(stderr).toContain('python3 ERR! registry unreachable (fake)');
    expect(stderr).toContain('to retry the installation run: cd');
    expect(stderr).toContain('&& python3 -m venv .venv && .venv/bin/python -m pip install');
    expect(stdout).not.toContain('Next steps');
    expect(existsSync(join(cwd, 'acme-ai', 'plugin.yaml'))).toBe(true);
  });

  it('a successful install shortens the next steps; plain progress lines without a terminal', async () => {
    const cwd = await dir();
    const env = await fakeTool(0);
    const { code, stderr, stdout } = await runCli(['init', 'acme-ai', '--language', 'node', '--install'], { cwd, env });
    expect(stderr).toContain('Installing npm packages (1/1)...');
    expect(stderr).toMatch(/done \(\d+\.\d s\)/);
    expect(stderr).not.toContain('\u001b[');
    expect(code).toBe(0);
    expect(stdout).toContain('npm test');
    expect(stdout).not.toContain('npm install');
  });

  it('shows a spinner on a terminal (and only there)', async () => {
    const cwd = await dir();
    const env = { ...(await fakeTool(0)), TERM: 'xterm' };
    const { memoryIo } = await import('../helpers/memory-io.js');
    const { main } = await import('../../src/cli.js');
    const io = memoryIo({ cwd, env, tty: true });
    // What ora needs of a terminal stream beyond write().
    Object.assign(io.stderr, { cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const code = await main(['init', 'acme-ai', '--language', 'node', '--install', '--yes'], io);
    expect(io.stderr.text).toContain('Installing npm packages');
    expect(code).toBe(0);
    expect(io.stderr.text).toContain('✔');
    expect(io.stderr.text).not.toContain('(1/1)...');
  });
});
