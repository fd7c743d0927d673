import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomPluginError } from '../../src/core/errors.js';
import { findManifests } from '../../src/core/manifest/find-manifests.js';
import { loadPluginManifest } from '../../src/core/manifest/load-plugin-manifest.js';
import { validatePaths } from '../../src/core/validate/validate-paths.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const VALID = `${FIXTURES}valid/guide-complete/plugin.yaml`;

let root: string;

async function put(path: string, text = 'type: http\n'): Promise<string> {
  const full = join(root, path);
  await mkdir(join(full, '..'), { recursive: true });
  await writeFile(full, text);
  return full;
}

async function rejection(promise: Promise<unknown>): Promise<LoomPluginError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LoomPluginError);
    return error as LoomPluginError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-validate-find-'));
  await put('plugins/a/plugin.yaml');
  await put('plugins/b/plugin.yml');
  await put('plugins/c/deeper/plugin.json', '{}');
  await put('plugins/c/notes.yaml');
  await put('plugins/node_modules/dep/plugin.yaml');
  await put('plugins/.git/plugin.yaml');
  await put('plugins/.venv/lib/plugin.yaml');
  await put('plugins/myenv/pyvenv.cfg', 'home = /usr/bin\n');
  await put('plugins/myenv/lib/plugin.yaml');
  await put('plugins/__pycache__/plugin.yaml');
  await put('plugins/dist/plugin.yaml'); // not vendored: found
  await mkdir(join(root, 'plugins/dir-named/plugin.yaml'), { recursive: true }); // a folder: searched, not taken
  await mkdir(join(root, 'empty/sub'), { recursive: true });
  await put('two/plugin.yaml');
  await put('two/plugin.yml');
  await put('broken-twin/plugin.yaml', await readFile(VALID, 'utf8'));
  await put('broken-twin/plugin.json', '{}');
  await put('twins/plugin.yaml', await readFile(VALID, 'utf8'));
  await put('twins/plugin.json', JSON.stringify(parse(await readFile(VALID, 'utf8'))));
  const differing = parse(await readFile(VALID, 'utf8')) as { metadata: { version: string } };
  differing.metadata.version = '2.0.0';
  await put('differing-twins/plugin.yaml', await readFile(VALID, 'utf8'));
  await put('differing-twins/plugin.json', JSON.stringify(differing));
  await put('one/plugin.json', '{}');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findManifests', () => {
  it('searches folders recursively, skips vendored folders, sorts', async () => {
    const found = await findManifests(['plugins'], root);
    expect(found.map((f) => f.slice(root.length + 1))).toEqual([
      'plugins/a/plugin.yaml',
      'plugins/b/plugin.yml',
      'plugins/c/deeper/plugin.json',
      'plugins/dist/plugin.yaml',
    ]);
  });

  it('takes files as given (any name) and de-duplicates', async () => {
    const found = await findManifests(['plugins/c/notes.yaml', 'plugins/a/plugin.yaml', 'plugins/a'], root);
    expect(found.map((f) => f.slice(root.length + 1))).toEqual(['plugins/a/plugin.yaml', 'plugins/c/notes.yaml']);
  });

  it('no paths means the working folder', async () => {
    expect((await findManifests([], join(root, 'one'))).map((f) => f.slice(root.length + 1))).toEqual(['one/plugin.json']);
  });

  it('no manifest anywhere is E_NO_MANIFEST naming where it looked', async () => {
    const error = await rejection(findManifests(['empty'], root));
    expect(error.code).toBe('E_NO_MANIFEST');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('empty');
    expect(error.hint).toBeTruthy();
  });

  it('a path that does not exist is E_FILE_READ', async () => {
    const error = await rejection(findManifests(['nope/plugin.yaml'], root));
    expect(error.code).toBe('E_FILE_READ');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('nope/plugin.yaml');
  });
});

describe('loadPluginManifest', () => {
  it('loads a plugin folder with one manifest', async () => {
    const dir = join(root, 'valid-plugin');
    await mkdir(dir, { recursive: true });
    await copyFile(VALID, join(dir, 'plugin.yaml'));
    const result = await loadPluginManifest('valid-plugin', root);
    expect(result.file).toBe(join(dir, 'plugin.yaml'));
    expect(result.dir).toBe(dir);
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.metadata.provider_type).toBe('my-ai-provider');
    expect(result.manifest?.command).toBe('python3');
  });

  it('loads a manifest file directly, returning diagnostics and no manifest when invalid', async () => {
    const result = await loadPluginManifest(`${FIXTURES}rules/schema-enum.yaml`, root);
    expect(result.manifest).toBeUndefined();
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['schema/enum']);
  });

  it('several manifests at the top -> E_CONFIG naming them', async () => {
    const error = await rejection(loadPluginManifest('two', root));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('plugin.yaml');
    expect(error.message).toContain('plugin.yml');
  });

  it('a plugin.json twin that agrees with plugin.yaml is the same plugin: the YAML one is used', async () => {
    const result = await loadPluginManifest('twins', root);
    expect(result.file.endsWith('plugin.yaml')).toBe(true);
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.metadata.provider_type).toBe('my-ai-provider');
  });

  it('twins that differ -> E_CONFIG saying the host loads plugin.json', async () => {
    const error = await rejection(loadPluginManifest('differing-twins', root));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('describe different plugins');
  });

  it('a broken twin -> its findings', async () => {
    const result = await loadPluginManifest('broken-twin', root);
    expect(result.file.endsWith('plugin.json')).toBe(true);
    expect(result.manifest).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });

  it('none at the top -> E_NO_MANIFEST (subfolders are not searched)', async () => {
    const error = await rejection(loadPluginManifest('plugins/c', root));
    expect(error.code).toBe('E_NO_MANIFEST');
    expect(error.message).toContain('plugins/c');
  });

  it('a missing path -> E_FILE_READ', async () => {
    expect((await rejection(loadPluginManifest('missing', root))).code).toBe('E_FILE_READ');
  });
});

describe('validatePaths', () => {
  it('counts findings over all files', async () => {
    const report = await validatePaths([`${FIXTURES}valid`, `${FIXTURES}rules/schema-enum.yaml`, `${FIXTURES}rules/auto-start-disabled.yaml`], { cwd: FIXTURES });
    expect(report.files).toHaveLength(5);
    // schema/enum, plus provider_type "acme" used by both rule fixtures (error on the second)
    // ...and manifest/yaml-only for the two plugin.yaml files without a plugin.json twin.
    expect(report.files.flatMap((f) => f.diagnostics.map((d) => d.rule)).sort()).toEqual(
      ['auto-start/disabled', 'manifest/yaml-only', 'manifest/yaml-only', 'provider-type/duplicate', 'schema/enum'],
    );
    expect(report.errorCount).toBe(2);
    expect(report.warningCount).toBe(3);
  });

  it('a duplicate provider_type across files is an error on the second', async () => {
    const report = await validatePaths(['duplicate'], { cwd: FIXTURES });
    const [first, second] = report.files;
    expect(first?.diagnostics.map((d) => d.rule)).toEqual(['manifest/yaml-only']);
    expect(first?.manifest).toBeDefined();
    expect(second?.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(['provider-type/duplicate 7:18']);
    expect(second?.diagnostics[0]?.message).toContain('duplicate/a/plugin.yaml');
    expect(second?.manifest).toBeUndefined();
    expect(report.errorCount).toBe(1);
  });

  it('stops with InterruptedError when aborted during the run', async () => {
    const many = join(root, 'many');
    for (let i = 0; i < 80; i++) await put(`many/p${String(i).padStart(2, '0')}/plugin.yaml`, await (await import('node:fs/promises')).readFile(VALID, 'utf8'));
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const error = await rejection(validatePaths([many], { cwd: root, signal: controller.signal }));
    expect(error.code).toBe('E_INTERRUPTED');
  });

  it('stops with InterruptedError when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(validatePaths(['duplicate'], { cwd: FIXTURES, signal: controller.signal }));
    expect(error.code).toBe('E_INTERRUPTED');
  });
});
