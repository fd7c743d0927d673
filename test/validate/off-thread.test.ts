/**
 * Large manifests are checked on a worker thread, so the caller (a dev host re-validating
 * after a save, a validate run waiting for Ctrl+C) keeps answering meanwhile, and the
 * result is the same as on the calling thread. Runs the build's output (npm test builds
 * first): the worker is a compiled file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const built = join(root, 'dist', 'core', 'validate', 'check-manifest.js');

type Analyze = (file: string, options?: { signal?: AbortSignal; keepManifest?: boolean }) => Promise<{ result: unknown }>;
type AnalyzeText = (text: string | Uint8Array, file: string) => Promise<{ result: unknown }>;
let analyzeManifestFile: Analyze;
let analyzeManifestText: AnalyzeText;
let dir: string;
let big: string;

beforeAll(async () => {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first.');
  ({ analyzeManifestFile, analyzeManifestText } = (await import(pathToFileURL(built).href)) as { analyzeManifestFile: Analyze; analyzeManifestText: AnalyzeText });
  dir = await mkdtemp(join(tmpdir(), 'loom-off-thread-'));
  big = join(dir, 'plugin.yaml');
  // About 110 KiB (over the 64 KiB threshold): unknown keys (warnings), a wrong type (an error) and a duplicate.
  let text = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: yes please\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n';
  for (let i = 0; i < 10_000; i++) text += `key_${i}: 1\n`;
  text += 'key_7: 2\n';
  await writeFile(big, text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('large manifests off the calling thread', () => {
  it('give the same result as on the calling thread', async () => {
    const { readFile } = await import('node:fs/promises');
    const offThread = await analyzeManifestFile(big);
    const inThread = await analyzeManifestText(await readFile(big), big);
    expect(JSON.parse(JSON.stringify(offThread.result))).toEqual(JSON.parse(JSON.stringify(inThread.result)));
  }, 60_000);

  it('hand back a large valid manifest as data, read when the caller reads it', async () => {
    const { readFile } = await import('node:fs/promises');
    const valid = join(dir, 'valid', 'plugin.yaml');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'valid'));
    let text = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\nenv:\n';
    for (let i = 0; i < 8_000; i++) text += `  KEY_${i}: "v${i}"\n`;
    await writeFile(valid, text);
    const offThread = (await analyzeManifestFile(valid)).result as { manifest?: { env?: Record<string, string> } };
    const inThread = (await analyzeManifestText(await readFile(valid), valid)).result as { manifest?: unknown };
    expect(offThread.manifest?.env?.KEY_7999).toBe('v7999');
    expect(offThread.manifest).toEqual(inThread.manifest);
  }, 60_000);

  it('hand back no manifest when the caller drops it (keepManifest: false), with the same findings', async () => {
    // Runs after the test above, which writes valid/plugin.yaml.
    const { mkdir, readFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'dropped'));
    const small = join(dir, 'dropped', 'plugin.yaml');
    await writeFile(small, (await readFile(join(dir, 'valid', 'plugin.yaml'), 'utf8')).slice(0, 400).replace(/\n[^\n]*$/, '\n'));
    // A large file (a worker) and a small one (this thread): valid both, so a kept result has its manifest.
    for (const file of [join(dir, 'valid', 'plugin.yaml'), small]) {
      const kept = (await analyzeManifestFile(file)).result as { manifest?: unknown; diagnostics: unknown[] };
      const dropped = (await analyzeManifestFile(file, { keepManifest: false })).result as { manifest?: unknown; diagnostics: unknown[] };
      expect(kept.manifest, file).toBeDefined();
      expect(dropped.manifest, file).toBeUndefined();
      expect(dropped.diagnostics).toEqual(kept.diagnostics);
    }
  }, 60_000);

  it('leave the event loop free while they are checked', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await analyzeManifestFile(big);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // On the calling thread the loop would be blocked for the whole parse: a tick or two.
    // Here it turns all along; a busy machine may skip many ticks, so the bound is loose.
    expect(ticks).toBeGreaterThan(Math.min(20, elapsed / 5 / 4));
  }, 60_000);

  it('stop waiting when interrupted', async () => {
    const controller = new AbortController();
    const pending = analyzeManifestFile(big, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
  });
});
