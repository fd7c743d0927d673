/**
 * Toolchain helpers for the template tests: run a command with a time limit, and keep
 * dependency installs (a Python venv, node_modules) cached in os.tmpdir() keyed by the
 * hash of the requirement files, so reruns do not touch the network or reinstall.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CACHE_DIR = join(tmpdir(), 'loom-plugin-template-cache');

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command in its own process group; kills the group when the time is up. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n[killed after ${options.timeoutMs} ms]`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function hasCommand(command: string, args = ['--version']): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

async function hashOf(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 16);
}

/** Builds `target` once with `build(tempDir)`; concurrent runs race safely via rename. */
async function cached(key: string, build: (dir: string) => Promise<void>): Promise<string> {
  const target = join(CACHE_DIR, key);
  if (existsSync(join(target, '.complete'))) return target;
  await mkdir(CACHE_DIR, { recursive: true });
  const temp = `${target}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await build(temp);
  await rm(target, { recursive: true, force: true });
  await rename(temp, target);
  await writeFile(join(target, '.complete'), '');
  return target;
}

/**
 * A venv with requirements-dev.txt installed, linked into `pluginDir` as `.venv`. The venv
 * is created at its final cache path (venvs are not relocatable), keyed by the hash.
 */
export async function linkPythonVenv(pluginDir: string): Promise<void> {
  const key = `python-${await hashOf([join(pluginDir, 'requirements.txt'), join(pluginDir, 'requirements-dev.txt')])}`;
  const venv = join(CACHE_DIR, key, 'venv');
  if (!existsSync(join(CACHE_DIR, key, '.complete'))) {
    await rm(join(CACHE_DIR, key), { recursive: true, force: true });
    await mkdir(join(CACHE_DIR, key), { recursive: true });
    const create = await run('python3', ['-m', 'venv', venv], { cwd: pluginDir, timeoutMs: 120_000 });
    if (create.code !== 0) throw new Error(`python3 -m venv failed:\n${create.output}`);
    const install = await run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', 'requirements-dev.txt'], {
      cwd: pluginDir,
      timeoutMs: 300_000,
    });
    if (install.code !== 0) throw new Error(`pip install failed:\n${install.output}`);
    await writeFile(join(CACHE_DIR, key, '.complete'), '');
  }
  await symlink(venv, join(pluginDir, '.venv'));
}

/** node_modules from `npm install` of the template's package.json, linked into `pluginDir`. */
export async function linkNodeModules(pluginDir: string): Promise<void> {
  const packageJson = JSON.parse(await readFile(join(pluginDir, 'package.json'), 'utf8')) as { dependencies?: unknown };
  // Keyed by the dependencies only: the name and version differ per rendering.
  const key = `node-${createHash('sha256').update(JSON.stringify(packageJson.dependencies)).digest('hex').slice(0, 16)}`;
  const dir = await cached(key, async (temp) => {
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, 'package.json'), JSON.stringify({ name: 'cache', private: true, dependencies: packageJson.dependencies }));
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: temp, timeoutMs: 300_000 });
    if (install.code !== 0) throw new Error(`npm install failed:\n${install.output}`);
  });
  await symlink(join(dir, 'node_modules'), join(pluginDir, 'node_modules'), 'dir');
}
