/**
 * How `sync` reads: the manifest is parsed once per run (the check's data gives plugin.json
 * too; it used to be parsed again for the twin), and an existing plugin.json is read with
 * the guard every manifest read has: a FIFO named plugin.json is refused at once instead
 * of hanging `sync` and `sync --check`, one over 1 MiB is refused unread with E_FILE_READ
 * (exit 2), and nothing is written in either case.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/memory-io.js';

const counts = { fast: 0, document: 0, parse: 0 };

// Every way the code can parse YAML, counted: yaml's document and value parsers, and the
// fast reader when it accepts the text (when it declines, the full parser runs and counts).
vi.mock('yaml', async (importOriginal) => {
  const actual = await importOriginal<typeof import('yaml')>();
  return {
    ...actual,
    parse: (...args: Parameters<typeof actual.parse>) => {
      counts.parse++;
      return actual.parse(...args);
    },
    parseDocument: (...args: Parameters<typeof actual.parseDocument>) => {
      counts.document++;
      return actual.parseDocument(...args);
    },
  };
});
vi.mock('../../src/core/manifest/fast-yaml.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/manifest/fast-yaml.js')>();
  return {
    ...actual,
    // What check-manifest.ts calls: one fast read is one parse (a decline is none).
    readSimpleYamlOrPrefix: (...args: Parameters<typeof actual.readSimpleYamlOrPrefix>) => {
      const result = actual.readSimpleYamlOrPrefix(...args);
      if (result.read) counts.fast++;
      return result;
    },
  };
});

const { syncPlugin } = await import('../../src/core/sync/sync-plugin.js');

// Written by someone else: a gateway with its own names, both in the plain block style the
// fast reader takes and in flow style, which only the full parser reads.
const BLOCK = `type: http
endpoint: http://127.0.0.1:7311
metadata:
  name: relay
  version: 0.9.1
  plugin_api_version: "1.0.0"
  provider_type: relay_hub
  capabilities:
    streaming: true
    function_calling: false
    vision: false
    embeddings: false
    fine_tuning: false
auto_start: true
command: ./relay
health_check_interval: 20
`;
const FLOW = BLOCK.replace(/ {2}capabilities:\n(?: {4}.*\n)+/, '  capabilities: { streaming: true, function_calling: false, vision: false, embeddings: false, fine_tuning: false }\n');

const parses = (): number => counts.fast + counts.document + counts.parse;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-sync-reads-'));
  counts.fast = counts.document = counts.parse = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('sync parses the manifest once', () => {
  for (const [style, manifest] of [['block', BLOCK], ['flow', FLOW]] as const) {
    it(`${style} style: one parse gives the check and plugin.json`, async () => {
      await writeFile(join(dir, 'plugin.yaml'), manifest);
      const result = await syncPlugin(dir, { cwd: dir });
      expect(result.errors).toEqual([]);
      expect(result.written).toEqual([join(dir, 'plugin.json')]);
      expect(parses()).toBe(1);
      const { parse } = await vi.importActual<typeof import('yaml')>('yaml');
      expect(JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8'))).toEqual(parse(manifest));
      expect(await readFile(join(dir, 'plugin.json'), 'utf8')).toBe(`${JSON.stringify(parse(manifest), null, 2)}\n`);
    });
  }
});

describe('sync with fixes parses the text and the fixed text once each', () => {
  it('the fixes go where the check found them, without another parse', async () => {
    const broken = FLOW.replace('endpoint: http://127.0.0.1:7311', 'endpoint: http://127.0.0.1:7311/').replace('  version: 0.9.1', '  verison: 0.9.1').replace('auto_start: true\n', '');
    await writeFile(join(dir, 'plugin.yaml'), broken);
    const result = await syncPlugin(dir, { cwd: dir });
    expect(result.errors).toEqual([]);
    expect(result.changes.map((change) => change.summary).sort()).toEqual(['removed the trailing "/" from endpoint', 'renamed "verison" to "version" in metadata', 'set auto_start: true', 'created from plugin.yaml'].sort());
    expect(parses()).toBe(2);
  });
});

describe('an existing plugin.json is read with the manifest guard', () => {
  it.skipIf(process.platform === 'win32')('a FIFO named plugin.json: sync and sync --check refuse it at once, nothing written', async () => {
    await writeFile(join(dir, 'plugin.yaml'), BLOCK);
    execFileSync('mkfifo', [join(dir, 'plugin.json')]);
    for (const args of [['sync'], ['sync', '--check']]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('plugin.json: This is not a regular file.');
      expect(result.stderr).toContain('move the one that is there away');
      expect((await stat(join(dir, 'plugin.json'))).isFIFO()).toBe(true);
    }
    for (const check of [false, true]) await expect(syncPlugin(dir, { cwd: dir, check })).rejects.toMatchObject({ code: 'E_FILE_READ', exitCode: 2 });
    expect(await readFile(join(dir, 'plugin.yaml'), 'utf8')).toBe(BLOCK);
  }, 10_000);

  it('a plugin.json over 1 MiB is refused unread, with E_FILE_READ and exit 2', async () => {
    await writeFile(join(dir, 'plugin.yaml'), BLOCK.replace('auto_start: true\n', ''));
    await writeFile(join(dir, 'plugin.json'), '');
    await truncate(join(dir, 'plugin.json'), 3 * 1024 * 1024);
    for (const args of [['sync'], ['sync', '--check']]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('plugin.json is over 1 MiB; manifests that large are not read.');
    }
    for (const check of [false, true]) await expect(syncPlugin(dir, { cwd: dir, check })).rejects.toMatchObject({ code: 'E_FILE_READ', exitCode: 2 });
    // The fix to plugin.yaml is not made alone either.
    expect(await readFile(join(dir, 'plugin.yaml'), 'utf8')).not.toContain('auto_start');
    expect((await stat(join(dir, 'plugin.json'))).size).toBe(3 * 1024 * 1024);
  });

  it('a folder named plugin.json is refused with the same guard', async () => {
    await writeFile(join(dir, 'plugin.yaml'), BLOCK);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'plugin.json'));
    const result = await runCli(['sync'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plugin.json: This is a folder, not a manifest file.');
  });
});
