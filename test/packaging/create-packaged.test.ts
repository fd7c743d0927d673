/**
 * `npm create loom-plugin` as a user's machine sees it, before anything is on the
 * registry: both packages packed to tarballs, then in a clean folder
 * `npm exec --package=<create tarball> --package=<loom-plugin tarball> -- create-loom-plugin ...`
 * (what `npm create loom-plugin@latest` runs once published) scaffolds a Go plugin that
 * passes `loom-plugin test --strict`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, explain, ROOT, run, tempWorkspace } from '../e2e/helpers.js';

const execFileAsync = promisify(execFile);
const CREATE_DIR = join(ROOT, 'packages', 'create-loom-plugin');

interface PackResult { filename: string; files: { path: string }[] }

async function pack(args: string[], destination: string): Promise<PackResult> {
  // dist/ is built by `npm test`; --ignore-scripts keeps `prepare` from rebuilding it.
  const { stdout } = await execFileAsync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(stdout) as PackResult[])[0]!;
}

describe('create-loom-plugin', () => {
  it('has the same version as loom-plugin and depends on exactly that version', () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: unknown };
    const create = JSON.parse(readFileSync(join(CREATE_DIR, 'package.json'), 'utf8')) as { version: string; engines: unknown; dependencies: Record<string, string> };
    expect(create.version).toBe(root.version);
    expect(create.dependencies).toEqual({ 'loom-plugin': root.version });
    expect(create.engines).toEqual(root.engines);
  });

  it('passes publint', async () => {
    const { publint } = await import('publint');
    const { messages } = await publint({ pkgDir: CREATE_DIR, level: 'warning', pack: false });
    expect(messages.map((m) => `${m.type} ${m.code} ${m.path.join('.')}`)).toEqual([]);
  }, 60_000);
});

describe('npm create loom-plugin from packed tarballs', { timeout: 300_000 }, () => {
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  let tarballs: { loom: string; create: string; createFiles: string[] };

  beforeAll(async () => {
    assertBuilt();
    workspace = await tempWorkspace('loom-create-');
    const loom = await pack([], workspace.dir);
    const create = await pack(['--workspace', 'create-loom-plugin'], workspace.dir);
    tarballs = { loom: join(workspace.dir, loom.filename), create: join(workspace.dir, create.filename), createFiles: create.files.map((file) => file.path).sort() };
  }, 120_000);
  afterAll(() => workspace?.remove());

  it('packs only the launcher', () => {
    expect(tarballs.createFiles).toEqual(['README.md', 'bin/create-loom-plugin.js', 'package.json']);
  });

  it('scaffolds a Go plugin that passes test --strict', async () => {
    const user = join(workspace.dir, 'user');
    await execFileAsync('mkdir', ['-p', user]);
    // Its own npm cache folder: nothing from this checkout's node_modules can leak in.
    const env = { ...process.env, NO_COLOR: '1', CI: 'true', npm_config_cache: join(workspace.dir, 'npm-cache'), npm_config_prefer_offline: 'true' };
    const created = await run('npm', ['exec', '--yes', `--package=${tarballs.create}`, `--package=${tarballs.loom}`, '--', 'create-loom-plugin', 'my-plugin', '--language', 'go', '--install', '--yes'], { cwd: user, env, timeoutMs: 280_000 });
    expect(created.code, explain('npm exec create-loom-plugin', created)).toBe(0);
    expect(created.output).toContain('Next steps');
    const plugin = join(user, 'my-plugin');
    expect(readFileSync(join(plugin, 'go.mod'), 'utf8')).toContain('module ');
    // The user's next step, also from the tarball: npx loom-plugin test --strict.
    const tested = await run('npm', ['exec', '--yes', `--package=${tarballs.loom}`, '--', 'loom-plugin', 'test', '--strict'], { cwd: plugin, env, timeoutMs: 180_000 });
    expect(tested.code, explain('loom-plugin test --strict', tested)).toBe(0);
    expect(tested.output).toMatch(/passed/);
  });

  it('is init: without a terminal and without --language it is a usage error (exit 2)', async () => {
    const env = { ...process.env, NO_COLOR: '1', CI: 'true', npm_config_cache: join(workspace.dir, 'npm-cache'), npm_config_prefer_offline: 'true' };
    const result = await run('npm', ['exec', '--yes', `--package=${tarballs.create}`, `--package=${tarballs.loom}`, '--', 'create-loom-plugin', 'other'], { cwd: workspace.dir, env });
    expect(result.code).toBe(2);
    expect(result.output).toContain('--language');
  });
});
