/**
 * Hostile and broken input: every case ends as clean findings, quickly, never a throw,
 * a hang or a crash of the process.
 */
import { mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkManifestFile, checkManifestText } from '../../src/core/validate/check-manifest.js';
import type { ManifestFileResult } from '../../src/core/manifest/types.js';

const TIME_BOUND_MS = 3000;
const VALID = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n';

async function timed(run: () => Promise<ManifestFileResult>): Promise<ManifestFileResult> {
  const start = performance.now();
  const result = await run();
  expect(performance.now() - start).toBeLessThan(TIME_BOUND_MS);
  return result;
}

function summary(result: ManifestFileResult): string[] {
  return result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-validate-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostile text', () => {
  it('empty file and whitespace-only file', async () => {
    expect(summary(await timed(() => checkManifestText('', 'plugin.yaml')))).toEqual(['manifest/empty 1:1']);
    expect(summary(await timed(() => checkManifestText(' \n\t\n', 'plugin.json')))).toEqual(['manifest/empty 1:1']);
  });

  it('YAML syntax error with its position', async () => {
    const result = await timed(() => checkManifestText('type: http\nmetadata: [a, b\nauto_start: true\n', 'plugin.yaml'));
    expect(result.diagnostics[0]?.rule).toBe('syntax/yaml');
    expect(result.diagnostics[0]?.line).toBeGreaterThanOrEqual(2);
    expect(result.manifest).toBeUndefined();
  });

  it('JSON syntax errors with their positions, never quoting the file', async () => {
    const secret = '{"type": "http", "metadata": {"name": "sk-SECRET-1" "version": "1"}}';
    const result = await timed(() => checkManifestText(secret, 'plugin.json'));
    expect(summary(result)).toEqual(['syntax/json 1:53']);
    expect(JSON.stringify(result)).not.toContain('SECRET');
    expect(summary(await checkManifestText('{"a": 1,\n  // comment\n}', 'plugin.json'))).toEqual(['syntax/json 2:3']);
    expect((await checkManifestText("{'a': 1}", 'plugin.json')).diagnostics[0]?.hint).toContain('double quotes');
    expect(summary(await checkManifestText('{"a": "x\ny"}', 'plugin.json'))).toEqual(['syntax/json 1:9']);
    expect(summary(await checkManifestText('{"a": 1} {"b": 2}', 'plugin.json'))).toEqual(['syntax/json 1:10']);
  });

  it('duplicate keys in YAML and JSON', async () => {
    expect(summary(await checkManifestText(`${VALID}auto_start: false\n`, 'plugin.yaml'))).toContain('syntax/duplicate-key 10:1');
    expect(summary(await checkManifestText('{"type": "http", "type": "grpc"}', 'plugin.json'))).toContain('syntax/duplicate-key 1:18');
  });

  it('tabs as indentation', async () => {
    expect(summary(await checkManifestText('metadata:\n\tname: a\n', 'plugin.yaml'))[0]).toBe('syntax/yaml 2:1');
  });

  it('a BOM is accepted in YAML and flagged in JSON', async () => {
    const yaml = await timed(() => checkManifestText(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(VALID)]), 'plugin.yaml'));
    expect(summary(yaml)).toEqual([]);
    const json = await checkManifestText(`\uFEFF{"type": "http"}`, 'plugin.json');
    expect(summary(json)).toContain('file/bom 1:1');
  });

  it('CRLF line endings keep positions right', async () => {
    const result = await checkManifestText(VALID.replace(/\n/g, '\r\n').replace('auto_start: true', 'auto_start: 1'), 'plugin.yaml');
    expect(summary(result)).toEqual(['schema/type 3:13']);
  });

  it('invalid UTF-8 names the first bad byte', async () => {
    const bytes = new Uint8Array([...Buffer.from('type: http\nname: '), 0xc3, 0x28, ...Buffer.from('\n')]);
    const result = await timed(() => checkManifestText(bytes, 'plugin.yaml'));
    expect(summary(result)).toEqual(['file/encoding 2:7']);
    const utf16 = new Uint8Array([0xff, 0xfe, 0x74, 0x00]);
    expect(summary(await checkManifestText(utf16, 'plugin.yaml'))).toEqual(['file/encoding 1:1']);
  });

  it('unknown tags are a warning and the value stays a string', async () => {
    const result = await checkManifestText(VALID.replace('name: a', 'name: !!binary aGVsbG8='), 'plugin.yaml');
    expect(summary(result)).toEqual(['syntax/unknown-tag 6:9']);
    expect(result.manifest?.metadata.name).toBe('aGVsbG8=');
  });

  it('an alias bomb stops at the alias limit', async () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 20; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(summary(await timed(() => checkManifestText(text, 'plugin.yaml')))).toEqual(['syntax/alias-limit 1:1']);
  });

  it('100k nested brackets in YAML and JSON', async () => {
    expect((await timed(() => checkManifestText('['.repeat(100_000), 'plugin.yaml'))).diagnostics[0]?.rule).toBe('syntax/too-deep');
    expect((await timed(() => checkManifestText(`a: ${'{a: '.repeat(100_000)}`, 'plugin.yaml'))).diagnostics[0]?.rule).toBe('syntax/too-deep');
    expect((await timed(() => checkManifestText('['.repeat(100_000), 'plugin.json'))).diagnostics[0]?.rule).toBe('syntax/too-deep');
    expect((await timed(() => checkManifestText(`${'['.repeat(150)}${']'.repeat(150)}`, 'plugin.yaml'))).diagnostics[0]?.rule).toBe('syntax/too-deep');
  });

  it('very deep block nesting (- - - ...) ends as a finding', async () => {
    const result = await timed(() => checkManifestText(`${'- '.repeat(100_000)}a\n`, 'plugin.yaml'));
    expect(result.diagnostics[0]?.rule).toBe('syntax/too-deep');
  });

  it('a __proto__ key stays data and does not pollute prototypes', async () => {
    for (const [text, name] of [[`${VALID}__proto__: {polluted: true}\n`, 'plugin.yaml'], ['{"__proto__": {"polluted": true}, "type": "http"}', 'plugin.json']] as const) {
      const result = await checkManifestText(text, name);
      expect(result.diagnostics.some((d) => d.rule === 'manifest/unknown-key')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('several YAML documents are one error', async () => {
    expect(summary(await checkManifestText(`${VALID}---\n${VALID}`, 'plugin.yaml'))[0]).toMatch(/^syntax\/yaml 10:1/);
  });
});

describe('hostile files', () => {
  it('a file over 1 MiB is not read', async () => {
    const file = join(dir, 'big', 'plugin.yaml');
    await mkdir(join(dir, 'big'));
    await writeFile(file, `# ${'x'.repeat(1024 * 1024 + 10)}\n`);
    const result = await timed(() => checkManifestFile(file));
    expect(summary(result)).toEqual(['file/too-large 1:1']);
  });

  it('a folder named plugin.yaml', async () => {
    const folder = join(dir, 'folder', 'plugin.yaml');
    await mkdir(folder, { recursive: true });
    const result = await timed(() => checkManifestFile(folder));
    expect(summary(result)).toEqual(['file/unreadable 1:1']);
    expect(result.diagnostics[0]?.message).toContain('folder');
  });

  it('a FIFO named plugin.yaml does not block', async () => {
    const fifo = join(dir, 'fifo.yaml');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this system
    }
    const result = await timed(() => checkManifestFile(fifo));
    expect(summary(result)).toEqual(['file/unreadable 1:1']);
  });

  it('an unreadable file', async () => {
    const file = join(dir, 'secret.yaml');
    await writeFile(file, VALID);
    await chmod(file, 0o000);
    const result = await checkManifestFile(file);
    if (process.getuid?.() === 0) {
      expect(result.diagnostics).toEqual([]); // root reads anything; nothing else to prove here
    } else {
      expect(summary(result)).toEqual(['file/unreadable 1:1']);
      expect(result.diagnostics[0]?.message).toContain('permission denied');
    }
    const missing = await checkManifestFile(join(dir, 'gone.yaml'));
    expect(summary(missing)).toEqual(['file/unreadable 1:1']);
  });
});
