/**
 * Large and deep manifests stay cheap: nesting beyond the limit is refused before the
 * recursive YAML parser runs, and the cost of a file grows with its size, not its square.
 * (Speed itself is measured side by side in bench/validate.mjs; here only structure and
 * a bound far above linear time and far below quadratic time.)
 */
import { describe, expect, it } from 'vitest';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';
import { locate, type SourceNode } from '../../src/core/manifest/source-tree.js';
import { tooDeepOffset } from '../../src/core/manifest/yaml-depth.js';
import { checkManifestText } from '../../src/core/validate/check-manifest.js';

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Distinct three-letter keys, none of them a YAML boolean or null word. */
const key = (i: number): string => `${ALPHABET[Math.floor(i / 3844) % 62] ?? 'A'}${ALPHABET[Math.floor(i / 62) % 62] ?? 'A'}${ALPHABET[i % 62] ?? 'A'}`;
const nestedMaps = (levels: number): string => `${Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} v\n`;

function rules(text: string): string[] {
  return parseYamlWithPositions(text).issues.map((issue) => issue.rule);
}

describe('deep YAML is refused before parsing', () => {
  const deep: Record<string, string> = {
    '900 nested block mappings': nestedMaps(900),
    '200k "? " on one line': `${'? '.repeat(200_000)}a\n`,
    '"- ? " repeated on one line': `${'- ? '.repeat(50_000)}a\n`,
    '200k ": " on one line': `${': '.repeat(200_000)}a\n`,
    'compact sequences with wide gaps': `${`-${' '.repeat(40)}`.repeat(5_000)}a\n`,
    '900 lines of explicit keys stepping right': Array.from({ length: 900 }, (_, i) => `${' '.repeat(i)}? a`).join('\n'),
    '999 flow brackets (the parser overflows near 800)': `${'['.repeat(999)}${']'.repeat(999)}\n`,
    'block and flow depth together': `${nestedMaps(60).trimEnd()} ${'['.repeat(60)}${']'.repeat(60)}\n`,
  };
  for (const [name, text] of Object.entries(deep)) {
    it(name, () => {
      expect(tooDeepOffset(text)).toBeGreaterThanOrEqual(0);
      expect(rules(text)).toEqual(['syntax/too-deep']);
    });
  }

  it('a manifest exactly at the limit still parses', () => {
    for (const text of [nestedMaps(99), `a: ${'['.repeat(98)}${']'.repeat(98)}\n`, `${'- '.repeat(99)}a\n`]) {
      expect(tooDeepOffset(text)).toBe(-1);
      expect(rules(text)).not.toContain('syntax/too-deep');
    }
  });

  it('quotes, comments and brackets in plain text do not count as nesting', () => {
    const text = `${HEAD}  description: "${'['.repeat(200)}"\n  author: '${'{'.repeat(200)}'\n# ${'['.repeat(200)}\n`;
    expect(tooDeepOffset(text)).toBe(-1);
  });

  it('says where and why in a finding, through the whole check', async () => {
    const result = await checkManifestText(nestedMaps(900), 'plugin.yaml');
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}`)).toEqual(['syntax/too-deep 101']);
    expect(result.diagnostics[0]?.message).toContain('100 levels');
  });
});

describe('duplicate keys, found without comparing every pair', () => {
  it('reports each repeat at its key, in block and flow mappings', () => {
    const result = parseYamlWithPositions('a: 1\nb: 2\na: 3\nm: {x: 1, x: 2}\n');
    const found = result.issues.filter((issue) => issue.rule === 'syntax/duplicate-key').map((issue) => issue.start);
    expect(found).toEqual([10, 25]);
    expect(result.fatal).toBe(false);
  });

  it('keeps yaml\'s notion of "the same key": 1 and "1" differ, two empty keys do not', () => {
    expect(rules('1: a\n"1": b\n')).toEqual([]);
    expect(rules('? \n: a\n? \n: b\n')).toEqual(['syntax/duplicate-key']);
  });
});

describe('findings of one rule are capped per file', () => {
  it('lists 100, counts the rest in one finding of the same rule and severity, and keeps other rules', async () => {
    let text = HEAD.replace('auto_start: true\n', 'auto_start: 1\n');
    for (let i = 0; i < 150; i++) text += `${key(i)}: 1\n`;
    const result = await checkManifestText(text, 'plugin.yaml');
    const unknown = result.diagnostics.filter((d) => d.rule === 'manifest/unknown-key');
    expect(unknown).toHaveLength(101);
    expect(new Set(unknown.map((d) => d.severity))).toEqual(new Set(['warning']));
    expect(unknown[100]?.message).toContain('50 more manifest/unknown-key findings');
    expect(result.diagnostics.filter((d) => d.rule === 'schema/type')).toHaveLength(1);
  });
});

describe('cost grows with the size of the file', () => {
  it('locating a finding looks each mapping up once, not once per finding', () => {
    const size = 20_000;
    let reads = 0;
    const entries = Array.from({ length: size }, (_, i) => ({ key: key(i), keyStart: i, keyEnd: i + 1, value: { kind: 'scalar' as const, start: i, end: i + 1 } }));
    const counted = new Proxy(entries, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const root: SourceNode = { kind: 'map', start: 0, end: size, entries: counted };
    for (let i = 0; i < size; i++) expect(locate(root, [key(i)], 'key').start).toBe(i);
    // A scan per lookup would read size * size / 2 = 200 million entries.
    expect(reads).toBeLessThanOrEqual(2 * size);
  });

  it('50k distinct unknown keys are checked in seconds, not the minutes a quadratic check takes', async () => {
    let text = HEAD;
    for (let i = 0; i < 50_000; i++) text += `${key(i)}: 1\n`;
    const start = performance.now();
    const result = await checkManifestText(text, 'plugin.yaml');
    // Linear: about 2 s on a busy two-core machine. Quadratic (before): over 80 s.
    expect(performance.now() - start).toBeLessThan(30_000);
    const unknown = result.diagnostics.filter((d) => d.rule === 'manifest/unknown-key');
    // The first 100 are listed, in file order; one more finding counts the rest.
    expect(unknown).toHaveLength(101);
    expect(unknown[99]?.line).toBe(109);
    expect(unknown[100]?.message).toBe('49900 more manifest/unknown-key findings in this file are not listed (the first 100 are).');
    expect(unknown[100]?.line).toBe(110);
  });
});
