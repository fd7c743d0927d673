/**
 * Property-based: whatever the input, checking a manifest ends in a ManifestFileResult
 * (never a throw), with located findings, the same for the same text, and `manifest`
 * set exactly when there are no errors.
 */
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readSimpleYamlOrPrefix, readSimpleYamlWithTree } from '../../src/core/manifest/fast-yaml.js';
import { parseYamlPastPrefix } from '../../src/core/manifest/partial-reparse.js';
import { analyzeManifestText, checkManifestText } from '../../src/core/validate/check-manifest.js';
import type { ManifestFileResult } from '../../src/core/manifest/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const RUNS = 100;

function wellFormed(result: ManifestFileResult, file: string): void {
  expect(result.file).toBe(file);
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(['error', 'warning']).toContain(d.severity);
    expect(d.rule).toMatch(/^[a-z-]+\/[a-z-]+$/);
    expect(typeof d.message).toBe('string');
  }
  expect(result.manifest === undefined).toBe(result.diagnostics.some((d) => d.severity === 'error'));
  if (result.manifest) expect(JSON.parse(JSON.stringify(result.manifest))).toBeTypeOf('object');
}

async function check(text: string | Uint8Array, file: string): Promise<ManifestFileResult> {
  const result = await checkManifestText(text, file);
  wellFormed(result, file);
  return result;
}

/** Random edits of a valid manifest's text: delete, duplicate, insert characters or lines. */
const mutation = (text: string) =>
  fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(text.length), length: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(text.length), chunk: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(':', '- ', '\t', '"', '[', '{', '&a ', '*a', '!tag ', '\n  ', '#', '---\n', '\uFEFF', ',')) }),
      fc.record({ op: fc.constant('swapLines' as const), a: fc.nat(40), b: fc.nat(40) }),
    ),
    { minLength: 1, maxLength: 5 },
  );

function applyMutations(text: string, edits: { op: string; at?: number; length?: number; chunk?: string; a?: number; b?: number }[]): string {
  let out = text;
  for (const edit of edits) {
    if (edit.op === 'delete') out = out.slice(0, edit.at) + out.slice((edit.at ?? 0) + (edit.length ?? 1));
    else if (edit.op === 'insert') out = out.slice(0, edit.at) + (edit.chunk ?? '') + out.slice(edit.at);
    else {
      const lines = out.split('\n');
      const a = (edit.a ?? 0) % lines.length;
      const b = (edit.b ?? 0) % lines.length;
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      out = lines.join('\n');
    }
  }
  return out;
}

describe('property: never throws, always a well-formed result', () => {
  it('random strings as YAML and as JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300, unit: 'binary' }), async (text) => {
        await check(text, 'plugin.yaml');
        await check(text, 'plugin.json');
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await check(bytes, 'plugin.yml');
        await check(bytes, 'plugin.json');
      }),
      { numRuns: RUNS },
    );
  });

  it('random JSON values, written as JSON and as YAML', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        const json = await check(JSON.stringify(value), 'plugin.json');
        const yaml = await check(stringify(value), 'plugin.yaml');
        // Same data, same verdict, whichever syntax carries it.
        expect(json.manifest === undefined).toBe(yaml.manifest === undefined);
      }),
      { numRuns: RUNS },
    );
  });

  it('random values placed inside a valid manifest', async () => {
    const base = JSON.parse(await readFile(`${FIXTURES}valid/minimal-json/plugin.json`, 'utf8')) as Record<string, unknown>;
    const keys = ['type', 'endpoint', 'metadata', 'auto_start', 'health_check_interval', 'command', 'args', 'env', 'extra'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 4 }), async (key, value) => {
        const text = JSON.stringify({ ...base, [key]: value });
        const result = await check(text, 'plugin.json');
        const again = await checkManifestText(text, 'plugin.json');
        expect(again.diagnostics).toEqual(result.diagnostics);
      }),
      { numRuns: RUNS },
    );
  });

  // Tags, escapes, scalars over several lines, tabs, quoted keys; and the same with CRLF line ends.
  const scalars = 'type: !!str http\nendpoint:\t"http://127.0.0.1:\\x38090"\t# port\n"command": python3\nauto_start: !!bool true\nmetadata:\n  name: A plugin\n    named over lines\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: !mine acme\n  description: \'one\n\n    two\'\nenv:\n  A: "\\U0001F600\\\n    x"\n  \'B\': "y"\n  "C D": z\nargs:\n  -\t--port\n  - !!int 8090\n';
  for (const [name, text] of [['tags, escapes, multi-line scalars and tabs', scalars], ['the same with CRLF line ends', scalars.replace(/\n/g, '\r\n')]]) {
    it(`mutations of a manifest with ${name}: the fast path gives the full parser's result`, async () => {
      // Not vacuous: unchanged, the fast reader reads it whole, positions and all.
      expect(readSimpleYamlWithTree(text ?? '')).toBeDefined();
      // Mutated texts the fast reader reads whole, or whose rest the partial reparse answers for (the full parser otherwise).
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(mutation(text ?? ''), async (edits) => {
          const mutated = applyMutations(text ?? '', edits);
          const first = readSimpleYamlOrPrefix(mutated);
          if (first.read || (first.prefix && parseYamlPastPrefix(mutated, first))) answered++;
          const fast = await check(mutated, 'plugin.yaml');
          expect(fast).toEqual((await analyzeManifestText(mutated, 'plugin.yaml', { fast: false, fullParseBudget: false })).result);
        }),
        { numRuns: RUNS },
      );
      // Measured: about 40 of 100 (12-17 read whole, 20-28 past the prefix); the comparison is not vacuous.
      expect(answered).toBeGreaterThan(15);
    });
  }

  for (const file of ['valid/guide-complete/plugin.yaml', 'valid/minimal-json/plugin.json']) {
    it(`mutations of ${file}`, async () => {
      const text = await readFile(`${FIXTURES}${file}`, 'utf8');
      const name = file.endsWith('.json') ? 'plugin.json' : 'plugin.yaml';
      await fc.assert(
        fc.asyncProperty(mutation(text), async (edits) => {
          const mutated = applyMutations(text, edits);
          const result = await check(mutated, name);
          expect(await checkManifestText(mutated, name)).toEqual(result);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
