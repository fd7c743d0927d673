/**
 * A plugin that cannot start says what to run: npm install, the venv commands, go build
 * (or install Go), which command is not on PATH. Plugins here are laid out the way other
 * people lay them out (fastify, venv/ not .venv, build/ not bin/), and run through the
 * real binary so the test also sees that no stack trace reaches the user.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../e2e/helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-start-hints-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The real python3 on PATH (what a venv's bin/python points at). */
function findPython(): string {
  return spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
}

let port = 18_430;
async function plugin(name: string, command: string, args: string[], files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  port += 1;
  const manifest = {
    type: 'http',
    endpoint: `http://127.0.0.1:${port}`,
    metadata: { name, version: '1.0.0', plugin_api_version: '1.0.0', provider_type: name },
    auto_start: true,
    command,
    args,
  };
  await writeFile(join(dir, 'plugin.json'), JSON.stringify(manifest, null, 2));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  return dir;
}

function loomTest(dir: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const result = spawnSync(process.execPath, [BIN, 'test', dir, '--startup-timeout', '20s', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectHint(result: { code: number | null; output: string }, hint: string | RegExp): void {
  expect(result.code, result.output).toBe(3);
  expect(result.output).toMatch(typeof hint === 'string' ? new RegExp(hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : hint);
  expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack frames
  expect(result.output).not.toContain('Internal error');
}

describe('start failures that say what to run', () => {
  it('a Node plugin without node_modules: npm install', async () => {
    const dir = await plugin('fastify-gw', 'node', ['index.mjs'], {
      'package.json': JSON.stringify({ name: 'fastify-gw', type: 'module', dependencies: { fastify: '^4.28.0' } }),
      'index.mjs': "import Fastify from 'fastify';\nFastify().listen({ port: Number(process.env.PORT) });\n",
    });
    const result = loomTest(dir);
    expectHint(result, `In ${dir} run: npm install`);
    expect(result.output).toContain("the package fastify is not installed");
    expect(result.output).toContain("Cannot find package 'fastify'");
  });

  it('a Python plugin whose venv was never created: the exact commands', async () => {
    const dir = await plugin('venv-gw', 'venv/bin/python', ['main.py'], { 'requirements.txt': 'aiohttp==3.9.5\n', 'main.py': 'import aiohttp\n' });
    expectHint(loomTest(dir), `python3 -m venv venv && venv/bin/python -m pip install -r requirements.txt`);
  });

  it('a Python plugin missing a package: pip install into the interpreter it runs with', async () => {
    const dir = await plugin('py-missing', 'python3', ['serve.py'], {
      'requirements.txt': 'loom_fixture_absent_pkg\n',
      'serve.py': 'import loom_fixture_absent_pkg\n',
    });
    const result = loomTest(dir);
    expectHint(result, `In ${dir} run: python3 -m pip install -r requirements.txt`);
    expect(result.output).toContain("No module named 'loom_fixture_absent_pkg'");
  });

  it('a Python plugin started by a console script (uvicorn in a venv): pip of the interpreter on its #! line', async () => {
    const dir = await plugin('py-uvicorn', 'env/bin/uvicorn', ['main:app'], {
      'requirements.txt': 'loom_fixture_absent_pkg\n',
      'main.py': 'import loom_fixture_absent_pkg\n',
    });
    // A venv's scripts name its own python on their first line.
    await mkdir(join(dir, 'env/bin'), { recursive: true });
    await symlink(findPython(), join(dir, 'env/bin/python'));
    await writeFile(join(dir, 'env/bin/uvicorn'), `#!${join(dir, 'env/bin/python')}\nimport sys\nsys.path.insert(0, '.')\nimport main\n`);
    await chmod(join(dir, 'env/bin/uvicorn'), 0o755);
    const result = loomTest(dir);
    expectHint(result, `In ${dir} run: ${join(dir, 'env/bin/python')} -m pip install -r requirements.txt`);
  });

  // test builds a Go module before it starts it (the build step); these are the cases
  // where the binary is still missing: --no-build, or no Go at all.
  it('a Go plugin that was not built, under --no-build: go build', async () => {
    const dir = await plugin('go-gw', 'build/provider', [], { 'go.mod': 'module example.org/gw\n\ngo 1.22\n', 'main.go': 'package main\n\nfunc main() {}\n' });
    const goOnPath = spawnSync('go', ['version']).status === 0;
    const result = loomTest(dir, {}, ['--no-build']);
    expectHint(result, goOnPath ? `In ${dir} run: go build -o build/provider .` : 'Install Go (https://go.dev/dl/)');
  });

  it('a Go plugin on a machine without Go: install Go (with and without the build step)', async () => {
    const dir = await plugin('go-nogo', './out/gw', [], { 'go.mod': 'module example.org/gw\n\ngo 1.22\n' });
    // PATH without any Go toolchain: only the folder of the node running the CLI.
    const noGo = { PATH: dirname(process.execPath) };
    expectHint(loomTest(dir, noGo, ['--no-build']), `Install Go (https://go.dev/dl/), then in ${dir} run: go build -o out/gw .`);
    expectHint(loomTest(dir, noGo), 'Install Go 1.22 or newer (https://go.dev/dl/)');
  });

  it('a command that is not on PATH: which one', async () => {
    const dir = await plugin('gunicorn-gw', 'gunicorn-loom-absent', ['app:app'], {});
    const result = loomTest(dir);
    expectHint(result, "The plugin's command gunicorn-loom-absent is not on PATH.");
  });

  it('a command not on PATH but in node_modules/.bin: use that path', async () => {
    const dir = await plugin('tsx-gw', 'tsx-loom-absent', ['server.ts'], { 'node_modules/.bin/tsx-loom-absent': '#!/bin/sh\nexit 1\n' });
    await chmod(join(dir, 'node_modules/.bin/tsx-loom-absent'), 0o755);
    expectHint(loomTest(dir), 'set `command: node_modules/.bin/tsx-loom-absent`');
  });

  it('a bare command that is a script in the plugin folder: write ./run.sh (a bare name is looked up on PATH only)', async () => {
    const dir = await plugin('script-gw', 'run-loom.sh', [], { 'run-loom.sh': '#!/bin/sh\nexit 1\n' });
    await chmod(join(dir, 'run-loom.sh'), 0o755);
    const result = loomTest(dir);
    expectHint(result, 'Hint: run-loom.sh is in the plugin folder, but a bare name is looked up on PATH only: set `command: ./run-loom.sh` in the manifest.');
    expect(result.output).not.toContain('Install run-loom.sh');
  });

  it('... and when that script is not executable, also chmod +x', async () => {
    const dir = await plugin('script-noexec-gw', 'start-loom.sh', [], { 'start-loom.sh': '#!/bin/sh\nexit 1\n' });
    expectHint(loomTest(dir), 'set `command: ./start-loom.sh` in the manifest and make it executable (chmod +x start-loom.sh).');
  });
});

