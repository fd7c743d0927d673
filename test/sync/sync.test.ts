/**
 * `loom-plugin sync`: plugin.json follows plugin.yaml, the safe fixes are made and printed,
 * `--check` writes nothing and exits 1, and a manifest with errors left is never copied.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/memory-io.js';

// Not one of our templates: flow style, comments, another port and names.
const MANIFEST = `# hand-written by the Acme team
type: http
endpoint: "http://localhost:7001"   # our gateway
metadata:
  name: acme-gateway
  version: 2.3.0
  plugin_api_version: "1.0.0"
  provider_type: acme_gw
  capabilities: { streaming: false, function_calling: false, vision: false, embeddings: false, fine_tuning: false }
  config_schema:
    - { name: token, type: string, required: true, sensitive: true }
auto_start: true
health_check_interval: 45
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-sync-'));
  await writeFile(join(dir, 'plugin.yaml'), MANIFEST);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (name: string) => readFile(join(dir, name), 'utf8');
const sync = (...args: string[]) => runCli(['sync', ...args], { cwd: dir });

describe('loom-plugin sync', () => {
  it('in a folder without a manifest, sync and test say "the current folder", not "in .."', async () => {
    await rm(join(dir, 'plugin.yaml'));
    for (const command of ['sync', 'test']) {
      const result = await runCli([command], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('No plugin.yaml, plugin.yml or plugin.json in the current folder.');
      expect(result.stderr).not.toContain('in ..');
    }
  });

  it('creates plugin.json from plugin.yaml, then has nothing to do', async () => {
    const first = await sync();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('plugin.json: created from plugin.yaml');
    expect(JSON.parse(await read('plugin.json'))).toEqual(parse(MANIFEST));
    const second = await sync();
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to change');
  });

  it('quotes bare env values as written, so the plugin.json it writes is one the host can decode', async () => {
    // What an ops team writes: PORT unquoted, a ratio whose trailing 0 matters to the program.
    await writeFile(join(dir, 'plugin.yaml'), `${MANIFEST}command: ./gateway\nenv:\n  PORT: 7001 # the gateway's\n  RATIO: 1.10\n  MODE: fast\n`);
    const result = await sync();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('quoted env.PORT (environment values are strings)');
    expect(result.stdout).not.toContain('7001 ');
    expect(await read('plugin.yaml')).toContain('  PORT: "7001" # the gateway\'s\n  RATIO: "1.10"\n  MODE: fast\n');
    expect(JSON.parse(await read('plugin.json')).env).toEqual({ PORT: '7001', RATIO: '1.10', MODE: 'fast' });
  });

  it('a version bump in plugin.yaml: --check exits 1 and writes nothing; sync writes it', async () => {
    await sync();
    await writeFile(join(dir, 'plugin.yaml'), MANIFEST.replace('version: 2.3.0', 'version: 2.4.0'));
    const before = await read('plugin.json');
    const check = await sync('--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('would change plugin.json: written from plugin.yaml (metadata.version)');
    expect(check.stdout).toContain('Run loom-plugin sync');
    expect(await read('plugin.json')).toBe(before);
    const run = await sync();
    expect(run.code).toBe(0);
    expect(JSON.parse(await read('plugin.json')).metadata.version).toBe('2.4.0');
    expect((await sync('--check')).code).toBe(0);
  });

  it('makes the safe fixes in plugin.yaml, says each, and keeps comments and layout', async () => {
    const broken = MANIFEST.replace('"http://localhost:7001"', '"http://localhost:7001/"')
      .replace('  version: 2.3.0', '  verison: 2.3.0')
      .replace('auto_start: true\n', '');
    await writeFile(join(dir, 'plugin.yaml'), broken);
    const result = await sync();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/plugin\.yaml:\d+: renamed "verison" to "version" in metadata/);
    expect(result.stdout).toContain('removed the trailing "/" from endpoint');
    expect(result.stdout).toContain('set auto_start: true');
    const fixed = await read('plugin.yaml');
    expect(fixed).toContain('# hand-written by the Acme team');
    expect(fixed).toMatch(/endpoint: "http:\/\/localhost:7001" +# our gateway/);
    expect(fixed).toContain('capabilities: { streaming: false');
    expect(parse(fixed)).toEqual(parse(MANIFEST));
    expect(JSON.parse(await read('plugin.json'))).toEqual(parse(MANIFEST));
    expect((await runCli(['validate'], { cwd: dir })).code).toBe(0);
  });

  it('leaves keys without a sure suggestion alone', async () => {
    await writeFile(join(dir, 'plugin.yaml'), `${MANIFEST}x_team_notes: keep me\n`);
    const result = await sync();
    expect(result.code).toBe(0);
    expect(await read('plugin.yaml')).toContain('x_team_notes: keep me');
  });

  it('with errors left after the fixes it writes nothing and exits 1', async () => {
    await writeFile(join(dir, 'plugin.yaml'), MANIFEST.replace('  provider_type: acme_gw\n', ''));
    const result = await sync();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('metadata.provider_type');
    expect(result.stdout).toContain('Nothing written');
    await expect(read('plugin.json')).rejects.toThrow(/ENOENT/);
  });

  it('an alias inside its own anchor is a finding for sync and test, never data that contains itself', async () => {
    // It once reached JSON.stringify: "Internal error: Converting circular structure to JSON".
    await writeFile(join(dir, 'plugin.yaml'), `${MANIFEST}x-extra: &a [*a]\n`);
    for (const args of [['sync'], ['sync', '--check'], ['test']]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout + result.stderr).toContain('syntax/alias-limit');
      expect(result.stderr).not.toContain('Internal error');
    }
    await expect(read('plugin.json')).rejects.toThrow(/ENOENT/);
  });

  it('a folder with only plugin.json gets its fixes in place', async () => {
    await rm(join(dir, 'plugin.yaml'));
    const manifest = parse(MANIFEST) as Record<string, unknown>;
    delete manifest.auto_start;
    await writeFile(join(dir, 'plugin.json'), JSON.stringify(manifest));
    const result = await sync();
    expect(result.code).toBe(0);
    expect(JSON.parse(await read('plugin.json')).auto_start).toBe(true);
  });

  it('test refers to sync when the twins differ', async () => {
    await sync();
    await writeFile(join(dir, 'plugin.yaml'), MANIFEST.replace('version: 2.3.0', 'version: 2.4.0'));
    const result = await runCli(['test', '--list', dir], { cwd: dir });
    expect(result.code).toBe(0); // --list does not load the manifest
    const run = await runCli(['test', '--endpoint', 'http://127.0.0.1:9', '.'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Hint: Run loom-plugin sync to write plugin.json from plugin.yaml.');
  });

  it('a /metadata that differs from the manifest says where the fix goes', async () => {
    const fixture = resolve(import.meta.dirname, '../fixtures/plugins/broken/metadata-version-mismatch');
    const result = await runCli(['test', fixture, '--only', 'metadata.matches-manifest']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('version: /metadata says "9.9.9", the manifest says "1.0.0"');
    expect(result.stdout).toContain("Fix: serve the manifest's metadata instead of a copy in code");
  }, 30_000);
});

describe('sync writes where the manifest really is, as it was', () => {
  it('a symlinked plugin.yaml is updated through the link, and keeps its permissions', async () => {
    const { chmod, lstat, mkdir, rename: move, stat, symlink } = await import('node:fs/promises');
    await mkdir(join(dir, 'shared'));
    await move(join(dir, 'plugin.yaml'), join(dir, 'shared', 'acme.yaml'));
    await writeFile(join(dir, 'shared', 'acme.yaml'), MANIFEST.replace('"http://localhost:7001"', '"http://localhost:7001/"'));
    await chmod(join(dir, 'shared', 'acme.yaml'), 0o600);
    await symlink(join('shared', 'acme.yaml'), join(dir, 'plugin.yaml'));
    const result = await sync();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('removed the trailing "/" from endpoint');
    // Still a link, and the shared file has the fix.
    expect((await lstat(join(dir, 'plugin.yaml'))).isSymbolicLink()).toBe(true);
    expect(await read('shared/acme.yaml')).toMatch(/endpoint: "http:\/\/localhost:7001" +# our gateway/);
    expect((await stat(join(dir, 'shared', 'acme.yaml'))).mode & 0o777).toBe(0o600);
  });

  it('a read-only plugin.json is refused with a hint, and plugin.yaml is not written alone', async () => {
    const { chmod } = await import('node:fs/promises');
    const broken = MANIFEST.replace('"http://localhost:7001"', '"http://localhost:7001/"');
    await writeFile(join(dir, 'plugin.yaml'), broken);
    await writeFile(join(dir, 'plugin.json'), '{}\n');
    await chmod(join(dir, 'plugin.json'), 0o444);
    const result = await sync();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plugin.json is read-only');
    expect(result.stderr).toContain('chmod u+w plugin.json');
    expect(await read('plugin.json')).toBe('{}\n');
    expect(await read('plugin.yaml')).toBe(broken);
  });
});

describe('sync reads manifests under the limit the other commands use', () => {
  it('refuses a plugin.yaml over 1 MiB at once (it once parsed for minutes, deaf to Ctrl+C)', async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `x${i}: ${i}\n`).join('');
    await writeFile(join(dir, 'plugin.yaml'), `${MANIFEST}${keys}`);
    const started = performance.now();
    const result = await sync();
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plugin.yaml is over 1 MiB');
    await expect(read('plugin.json')).rejects.toThrow();
  }, 20_000);

  it.skipIf(process.platform === 'win32')('refuses a FIFO named plugin.yaml instead of waiting forever for a writer', async () => {
    await rm(join(dir, 'plugin.yaml'));
    execFileSync('mkfifo', [join(dir, 'plugin.yaml')]);
    const result = await sync();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plugin.yaml: This is not a regular file.');
    await expect(read('plugin.json')).rejects.toThrow();
  }, 10_000);
});

describe('sync on a large manifest under the limit', () => {
  it('applies a fix to a 60,000-key plugin.yaml in seconds, not half a minute (duplicate-key check off)', async () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  x${i}: ${i}\n`).join('');
    const broken = MANIFEST.replace('"http://localhost:7001"', '"http://localhost:7001/"').replace('auto_start: true\n', `extras:\n${keys}auto_start: true\n`);
    await writeFile(join(dir, 'plugin.yaml'), broken);
    const { applyFixes, fixesOf } = await import('../../src/core/sync/apply-fixes.js');
    const { analyzeManifestText } = await import('../../src/core/validate/check-manifest.js');
    const analysis = await analyzeManifestText(broken, join(dir, 'plugin.yaml'), { keepSource: true });
    const started = performance.now();
    const fixed = applyFixes(analysis.source!, false, fixesOf(analysis.result.diagnostics));
    // A hang guard, not a speed target: it took 28 s before, under 1 s after.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(fixed.applied.map((item) => item.summary)).toContain('removed the trailing "/" from endpoint');
  }, 60_000);
});

describe('a folder with only plugin.json', () => {
  it('says plugin.json is the only manifest and there is no plugin.yaml to sync from, not "plugin.json and its plugin.json"', async () => {
    const only = await mkdtemp(join(tmpdir(), 'loom-sync-json-'));
    try {
      await writeFile(join(only, 'plugin.json'), `${JSON.stringify(parse(MANIFEST), null, 2)}\n`);
      for (const args of [['sync'], ['sync', '--check'], ['sync', 'plugin.json']]) {
        const result = await runCli(args, { cwd: only });
        expect(result.code).toBe(0);
        expect(result.stdout).toBe("✔ plugin.json is this plugin's only manifest (the one the host reads) and needs no fixes; there is no plugin.yaml to sync it from, so nothing to change.\n");
      }
    } finally {
      await rm(only, { recursive: true, force: true });
    }
  });

  it('given plugin.json while plugin.yaml is beside it: no fixes, and how to write it from plugin.yaml', async () => {
    await sync();
    const result = await sync('plugin.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plugin.json needs no fixes, so nothing changed; to write it from plugin.yaml, run loom-plugin sync on its folder.');
  });
});
