/**
 * Past the per-rule cap a schema finding is only counted: its rule and place come from
 * the ajv error as it is, and only the first omitted one is located. These tests hold
 * that shortcut to the uncapped computation (every finding built in full, then counted).
 */
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';
import { LineIndex, locate, pointerSegments, type SourceNode } from '../../src/core/manifest/source-tree.js';
import { getValidator, loadSchema } from '../../src/core/schema-registry.js';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';
import { DiagnosticSink, MAX_FINDINGS_PER_RULE, type Finding } from '../../src/core/validate/rule-context.js';
import { reportSchemaFindings, schemaFindings } from '../../src/core/validate/schema-findings.js';
import { Lookup, valueAt } from '../../src/core/validate/schema-lookup.js';

const schema = loadSchema('manifest');
const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\n';

/** A manifest with several rules past the cap at once, in several mappings and a list. */
function hostile(): string {
  const lines = [HEAD, 'metadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n  capabilities:\n'];
  for (let i = 0; i < 130; i++) lines.push(`    cap${i}: ${i % 2 ? 'true' : 'x'}\n`);
  lines.push('  config_schema:\n');
  for (let i = 0; i < 240; i++) lines.push(`    - name: f${i}\n      type: ${i % 3 ? 'strin' : '[x]'}\n`);
  lines.push('env:\n');
  // Bare numbers and booleans (env/unquoted-value), null, lists and maps (schema/type),
  // and keys with "/" and "~", which ajv escapes in its pointers.
  const values = ['1', 'true', '', '[1]', '{a: 1}', '"ok"'];
  for (let i = 0; i < 900; i++) lines.push(`  ${i % 7 === 0 ? `"k/${i}~x"` : `k${i}`}: ${values[i % values.length] ?? ''}\n`);
  lines.push('args:\n');
  for (let i = 0; i < 150; i++) lines.push(`  - ${i % 2 ? '[a]' : 'a'}\n`);
  for (let i = 0; i < 260; i++) lines.push(`${i % 5 === 0 ? `"u/${i}"` : `u${i}`}: 1\n`);
  return lines.join('');
}

describe('schema findings past the per-rule cap', () => {
  it('count exactly what the uncapped computation lists, and point where its first unlisted one is', async () => {
    const text = hostile();
    const result = await checkManifestText(text, 'plugin.yaml');

    // The reference: the full parser's data and positions, every finding built in full.
    const parsed = parseYamlWithPositions(text, { budget: false });
    const validate = await getValidator('manifest');
    expect(validate(parsed.value)).toBe(false);
    const all = schemaFindings(validate.errors ?? [], parsed.value, schema);
    const byRule = new Map<string, Finding[]>();
    for (const finding of all) byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding]);
    const lines = new LineIndex(text);

    const capped = [...byRule].filter(([, findings]) => findings.length > MAX_FINDINGS_PER_RULE);
    // The manifest is built to put these four past the cap (and others under it).
    expect(capped.map(([rule]) => rule).sort()).toEqual(['config/unknown-type', 'env/unquoted-value', 'manifest/unknown-key', 'schema/type']);
    for (const [rule, findings] of byRule) {
      const shown = result.diagnostics.filter((d) => d.rule === rule);
      if (findings.length <= MAX_FINDINGS_PER_RULE) {
        expect(shown.map((d) => d.message).sort(), rule).toEqual(findings.map((f) => f.message).sort());
        continue;
      }
      const summary = shown.find((d) => d.message.includes('not listed'));
      expect(summary?.message, rule).toBe(`${findings.length - MAX_FINDINGS_PER_RULE} more ${rule} findings in this file are not listed (the first ${MAX_FINDINGS_PER_RULE} are).`);
      expect(shown).toHaveLength(MAX_FINDINGS_PER_RULE + 1);
      // Listed: the first 100 of the uncapped list, word for word.
      expect(new Set(shown.filter((d) => d !== summary).map((d) => d.message)), rule).toEqual(new Set(findings.slice(0, MAX_FINDINGS_PER_RULE).map((f) => f.message)));
      const first = findings[MAX_FINDINGS_PER_RULE] as Finding;
      const at = lines.position(locate(parsed.tree, first.path, first.at ?? 'value').start);
      expect({ line: summary?.line, column: summary?.column }, rule).toEqual(at);
    }
  });

  it('locates only the first unlisted finding of a rule, and builds no words for any', () => {
    const errors = Array.from({ length: 500 }, (_, i) => ({ keyword: 'type', instancePath: `/env/k${i}`, schemaPath: '#/properties/env/additionalProperties/type', params: { type: 'string' }, message: 'must be string' }) as ErrorObject);
    const data = { env: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])) };
    const sink = new DiagnosticSink('plugin.yaml', '', undefined);
    let placed = 0;
    let described = 0;
    const counting = {
      listing: (rule: string) => sink.listing(rule),
      atPath: (finding: Finding) => {
        described++;
        sink.atPath(finding);
      },
      omit: (rule: string, place: () => Pick<Finding, 'path' | 'at'>) =>
        sink.omit(rule, () => {
          placed++;
          return place();
        }),
    };
    reportSchemaFindings(errors, data, schema, counting);
    expect(described).toBe(MAX_FINDINGS_PER_RULE);
    expect(placed).toBe(1);
    expect(sink.sorted().at(-1)?.message).toBe(`400 more env/unquoted-value findings in this file are not listed (the first ${MAX_FINDINGS_PER_RULE} are).`);
  });

  it('counts twins (same rule, place and words) once past the cap, and keys with "/" apart from paths', () => {
    // A twin is one keyword checked twice at one place: the second check is in a branch of the schema.
    const unknown = (instancePath: string, key: string, schemaPath = '#/additionalProperties'): ErrorObject => ({ keyword: 'additionalProperties', instancePath, schemaPath, params: { additionalProperty: key }, message: 'must NOT have additional properties' }) as ErrorObject;
    const branch = '#/allOf/0/then/additionalProperties';
    const keys = Array.from({ length: 150 }, (_, i) => `kx${i}`);
    // Repeats of kx3 and kx140 are twins; "a/b" at the top and "b" in a are not.
    const errors = [...keys.map((key) => unknown('', key)), unknown('', 'kx3', branch), unknown('', 'kx140', branch), unknown('', 'a/b'), unknown('/a', 'b', branch), unknown('', 'a/b', branch)];
    const reference = schemaFindings(errors, {}, schema);
    expect(reference).toHaveLength(152);
    const sink = new DiagnosticSink('plugin.yaml', '', undefined);
    reportSchemaFindings(errors, {}, schema, sink);
    expect(sink.sorted().at(-1)?.message).toBe(`52 more manifest/unknown-key findings in this file are not listed (the first ${MAX_FINDINGS_PER_RULE} are).`);
  });
});

describe('Lookup.value', () => {
  it('finds what valueAt finds, for any order of pointers, escapes and lists included', () => {
    // `eva` beside `env`: parents of the same length that are not the same parent.
    const data = { env: { a: 1, 'x/y': 2, 'p~q': 3, '~1': 4 }, eva: { a: 9 }, args: ['a', ['b', 'c']], n: null, s: 'str', '': { '': 5 } };
    const pointers = ['/env/a', '/eva/a', '/env/x~1y', '/env/p~0q', '/env/~01', '/args/0', '/args/1/1', '/args/1', '/n/x', '/s/length', '/env/missing', '/missing/x', '', '/', '//', '/env/a', '/args/1/0'];
    const lookup = new Lookup([], data, schema);
    for (const order of [pointers, [...pointers].reverse()]) {
      for (const pointer of order) expect(lookup.value(pointer), pointer).toBe(valueAt(data, pointerSegments(pointer)));
    }
  });
});

describe('locating in a tree whose keys are unique', () => {
  const size = 20_000;
  const key = (i: number): string => `k${i}`;
  /** A mapping of `size` entries whose reads are counted (a Proxy over the entries). */
  function countedMapping(keys: readonly string[]): { root: SourceNode; reads: () => number } {
    let reads = 0;
    const entries = keys.map((k, i) => ({ key: k, keyStart: i, keyEnd: i + 1, value: { kind: 'scalar' as const, start: i, end: i + 1 } }));
    const counted = new Proxy(entries, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    return { root: { kind: 'map', start: 0, end: keys.length, entries: counted }, reads: () => reads };
  }

  it('indexes a mapping only as far as the keys looked up', () => {
    const { root, reads } = countedMapping(Array.from({ length: size }, (_, i) => key(i)));
    for (let i = 0; i < 100; i++) expect(locate(root, [key(i)], 'key', true).start).toBe(i);
    expect(reads()).toBe(100);
    // Any order, and keys that are not there: still each entry read once.
    for (let i = size - 1; i >= 0; i -= 7) expect(locate(root, [key(i)], 'key', true).start).toBe(i);
    expect(locate(root, ['missing'], 'key', true)).toEqual({ start: 0, end: size });
    expect(reads()).toBe(size);
  });

  it('finds what the full index finds when keys are unique, and the last of repeated keys without the promise', () => {
    const keys = Array.from({ length: 500 }, (_, i) => key((i * 7919) % 500));
    const unique = countedMapping(keys).root;
    const full = countedMapping(keys).root;
    for (let i = 0; i < 500; i++) expect(locate(unique, [key(i)], 'key', true)).toEqual(locate(full, [key(i)], 'key'));
    // A repeated key (which the fast reader would have reported) points at its last entry.
    const repeated = countedMapping(['a', 'b', 'a']).root;
    expect(locate(repeated, ['a'], 'key').start).toBe(2);
  });

  it('is used only for a fast-reader tree with no repeated key: a repeat still points at the last one', async () => {
    const text = `${HEAD}metadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\nenv:\n  A: 1\n  B: "x"\n  A: 2\n`;
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}`)).toEqual(['syntax/duplicate-key 13', 'env/unquoted-value 13']);
  });
});
