/**
 * The fast reader for plain YAML must agree with the full parser wherever it answers,
 * and the fast path must never change a verdict or a diagnostic.
 */
import fc from 'fast-check';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSimpleYaml, readSimpleYamlOrPrefix, readSimpleYamlTree, readSimpleYamlWithTree } from '../../src/core/manifest/fast-yaml.js';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';
import { analyzeManifestText } from '../../src/core/validate/check-manifest.js';
import { agrees, counts, full, resetCounts } from './fast-yaml-agreement.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

async function sameResult(text: string): Promise<void> {
  const fast = await analyzeManifestText(text, 'plugin.yaml');
  const slow = await analyzeManifestText(text, 'plugin.yaml', { fast: false, fullParseBudget: false });
  expect(fast.result).toEqual(slow.result);
}

const pieces = [
  'type: http\n', 'endpoint: http://127.0.0.1:8090\n', 'metadata:\n', '  name: My Plugin # note\n', '  version: 1.0.0\n', '  version: 1.0\n',
  '  plugin_api_version: "1.0.0"\n', "  provider_type: 'acme'\n", '  config_schema:\n', '    - name: timeout\n', '      type: int\n', '      default: 30\n',
  '      default: -5\n', '      default: 0x1F\n', '      default: 1e3\n', '      default: .inf\n', '      default: ~\n', '      default: True\n', '      default: yes\n',
  '      validation: {min: 1}\n', '      enum: [a, b, 3]\n', '    -\n', '      name: x\n', 'args:\n', '- plugin.py\n', '- --port\n', '- "8090"\n', '  - nested\n',
  'env:\n', '  PORT: "8090"\n', '  LOG: info\n', '  PORT: 8090\n', 'auto_start: true\n', 'auto_start: false\n', 'command: python3\n', '# comment\n', '  # comment\n', '    # comment\n', '\n',
  'x: a: b\n', 'k: {a: 1, b: [x, "y"], c: {}}\n', 'k: {a: x, a: y}\n', '- {a: 1, b: {c: [d, ]}}\n', 'k: [a, {b: c}, [ ]]  # c\n', 'k: {a, b: , "c": \'d\'}\n',
  'k: {a:x}\n', 'k: {a : x}\n', 'k: [a,,b]\n', 'k: {a: x\n', 'k: {"a":x}\n', 'k: [a: b]\n', 'k: {a: [b}\n', 'k: {a: x}}\n', 'k: {a: C#}\n', 'k: {1: a, true: b}\n',
  'k: |\n  text\n  more\n', 'k: |-\n  a\n\n  b\n', 'k: >+\n  folded\n\n', '  - |\n    x\n', '- a: >-\n    y\n', '    # deep comment\n', 'x: &a 1\n', 'y: *a\n', 'z: !tag v\n', 'k: |\n  text\n', 'k: >\n  folded\n', 'k: "esc\\n"\n', "k: 'it''s'\n", 'k: [a, [b]]\n', 'k: [a,]\n', 'k: []\n',
  'k: &a\n  x: 1\n', '- &a\n  x: 1\n', '<<: *a\n', 'k: {<<: *a, b: 1}\n', '  <<: 1\n', 'k: &a\n  # c\n  x: 1\n', 'k: &a [1, {}]\n', 'k: &a {}\n', 'k: &a # c\n- x\n', 'k: *a # c\n',
  '? k\n: v\n', '  ? k\n  : v\n', '? k\n:\n', '? k # c\n: v\n', '? k\n: [a, b]\n', '? k\n: {a: 1\n', '? k\n  : v\n', '? env\n: "x"\n', '  ? a\n  : 1\n', '? k\n: v # c\n', '? k\n\n: v\n',
  'k: C#\n', 'k: a #b\n', 'k: -\n', 'k: -0\n', 'k: 007\n', 'k: +5\n', 'k: 1_000\n', '? complex\n', '"quoted": key\n', 'null: 1\n', 'True: 1\n', '__proto__: {a: 1}\n',
  'ключ: значение\n', '  ключ: 1\n', '名前: x\n', '- clé: v\n', '? ключ\n: v\n', 'k\u0085x: v\n', 'k\u2028: v\n', 'k\u00a0x: v\n',
  '    extra: indent\n', ' odd: indent\n', '- item at root\n', 'k:\n- a\n- b\n', 'k:\n  - a\n  -   b: 1\n      c: 2\n', 'k: multi\n  line\n', 'k: "open\n',
];

/** Block-style YAML documents built from tricky scalars, keys and layouts. */
const SAFE = ['&a {k: 1}', '{<<: *a, b: 1}', '&a [[]]', '"a\\"b"', '"tab\\tx \\\\ \\/"', '"\\u00e9\\u0041"', '"\\N\\_\\L\\P\\e\\0\\ "', '&a 1', '*a', '&b "q"', '*b', '[&a x, *a]', '{p: &a 1, q: *a}', '&a [x]', '{a: 1}', '{a: x, b: [1, 2]}', '{}', '{ a: , b }', '{"k": v, \'q\': w}', '{a: {b: {c: d}}}', '[a, {b: c}, [d, ]]', '[ ]', '{a: x, a: y}', '{name: x, type: y,}', 'a', 'Acme AI', '1.0', '1.2.0', '30', '-5', '0', '~', 'null', 'NULL', 'true', 'True', 'yes', 'off', '"quoted"', '"with # hash"', "'single'", "''", '""',
  '--port', '-x', 'a #comment', 'C#', 'http://127.0.0.1:8090', '[a, b]', '[]', '[1, -2, x]', '0.25', '-0.0'];
const TRICKY = ['"\\x41"', '"\\U0001F600"', '"bad\\q"', '"\\uD83D\\uDE00"', '"\\u12"', '"end\\\\"', '"open\\"', '{a:x}', '{a : x}', '[a,,b]', '[a]#c', '{"a":x}', '{a: b: c}', '[a: b]', '{? a}', '{a: "x\\"y"}', "['it''s']", '{a: C#}', '[, a]', '{,}', '{a: &x 1}', '[*a]', '[-]', '[- a]', '{-a: 1}', '{1: a}', '{true: 1}', '{a: 1, "a": 2}', '[a', '-0', '007', '0x1F', '1e3', '.5', '.inf', '@at', '`tick`', 'a: b', 'end:', '1_000', '+5', '&a x', '!t x', '*a'];
const scalar = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SAFE) }, { weight: 1, arbitrary: fc.constantFrom(...TRICKY) });
// Quoted keys too: `"type"` next to `type` is the same key (a duplicate), `"\x41"` is `A`.
// Keys in other scripts too (`"ключ"` next to `ключ` is a duplicate).
const KEYS = ['type', 'name', 'PORT', 'a.b', 'x-y', 'k_1', 'metadata', 'env', 'args', 'description', 'command', 'true', '"type"', "'name'", '"two words"', '"a#b"', "'it''s'", '"\\x41"', '"A"', 'ключ', '"ключ"', '名前', 'clé', 'é1', 'a😀b'];
type Tree = string | { map: [string, Tree][] } | { seq: Tree[] };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.record({ map: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { minLength: 1, maxLength: 4, selector: (entry) => entry[0] }) }),
    fc.record({ seq: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
  ),
})).node;

/** Flow collections written with varied spacing, quoting and repeated keys. */
const FLOW_SCALARS = ['"a\\"b"', '"\\u00e9,"', '"x\\\\"', 'a', 'b c', '1', '-5', '0.5', 'true', '~', '"q # r"', "'s'", '""', 'http://x:1/y', '-x', 'C#', '*a', '&a b', '!t x', '"e\\n"', 'a:b'];
const FLOW_KEYS = ['a', 'b', 'k.x', '"a"', "'b'", '"two words"', '__proto__', 'null', '1', 'ключ', '"ключ"', '名前'];
type Flow = string | { fmap: [string, Flow | null][] } | { fseq: Flow[] };
const flowTree: fc.Arbitrary<Flow> = fc.letrec<{ node: Flow }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: fc.constantFrom(...FLOW_SCALARS) },
    fc.record({ fmap: fc.array(fc.tuple(fc.constantFrom(...FLOW_KEYS), fc.option(tie('node'), { freq: 5 })), { maxLength: 4 }) }),
    fc.record({ fseq: fc.array(tie('node'), { maxLength: 4 }) }),
  ),
})).node;
const gap = fc.constantFrom('', ' ', '  ');
const flowText: fc.Arbitrary<string> = fc.tuple(flowTree, fc.array(gap, { minLength: 64, maxLength: 64 }), fc.boolean()).map(([node, gaps, trailingComma]) => {
  let n = 0;
  const g = (): string => gaps[n++ % gaps.length] ?? '';
  const write = (value: Flow): string => {
    if (typeof value === 'string') return value;
    if ('fseq' in value) return `[${g()}${value.fseq.map(write).join(`${g()},${g() || ' '}`)}${trailingComma && value.fseq.length > 0 ? ',' : ''}${g()}]`;
    return `{${g()}${value.fmap.map(([key, v]) => (v === null ? key : `${key}:${g() || ' '}${write(v)}`)).join(`${g()}, `)}${g()}}`;
  };
  return typeof node === 'string' ? `[${node}]` : write(node);
});

function render(node: Tree, indent: number, sameIndentSeq: boolean): string[] {
  const pad = ' '.repeat(indent);
  if (typeof node === 'string') return [node];
  if ('map' in node) {
    const lines: string[] = [];
    for (const [key, value] of node.map) {
      if (typeof value === 'string') lines.push(`${pad}${key}: ${value}`);
      else {
        lines.push(`${pad}${key}:`);
        const nested = 'seq' in value && sameIndentSeq ? indent : indent + 2;
        lines.push(...render(value, nested, !sameIndentSeq));
      }
    }
    return lines;
  }
  const lines: string[] = [];
  for (const item of node.seq) {
    if (typeof item === 'string') lines.push(`${pad}- ${item}`);
    else if ('map' in item && item.map.length > 0) {
      const inner = render(item, indent + 2, sameIndentSeq);
      lines.push(`${pad}- ${inner[0]?.trimStart() ?? ''}`, ...inner.slice(1));
    } else {
      lines.push(`${pad}-`, ...render(item, indent + 2, sameIndentSeq));
    }
  }
  return lines;
}
const documents = fc.tuple(fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tree), { minLength: 1, maxLength: 5, selector: (entry) => entry[0] }), fc.boolean()).map(([entries, same]) => `${render({ map: entries }, 0, same).join('\n')}\n`);

describe('fast YAML reader', () => {
  it('reads every valid fixture the same way as the full parser', async () => {
    for (const dir of ['valid/guide-complete', 'valid/quoted-all']) {
      const text = await readFile(`${FIXTURES}${dir}/plugin.yaml`, 'utf8');
      agrees(text.replace(/^\uFEFF/, ''));
    }
    const guide = await readFile(`${FIXTURES}valid/guide-complete/plugin.yaml`, 'utf8');
    expect(readSimpleYaml(guide)).toEqual(full(guide).value);
  });

  it('agrees with the full parser on random line soups', () => {
    resetCounts();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 25 }), (lines) => {
        agrees(lines.join(''));
      }),
      { numRuns: 600 },
    );
    // The property must not hold vacuously: the fast reader answers for a good share
    // (measured: about 40 of 600 soups, nearly all with a tree; 5 let it answer for under 1%).
    expect(counts.answered).toBeGreaterThan(15);
  });

  it('agrees with the full parser on line soups and generated documents with CRLF line ends, or tabs after `:` and `-`', () => {
    resetCounts();
    const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 25 }), documents, flowText, fc.nat(), (lines, doc, flow, pick) => {
        agrees(crlf(lines.join('')));
        agrees(crlf(doc));
        agrees(crlf(`k: ${flow}\n`));
        let n = 0;
        agrees(doc.replace(/(?<=[:-]) /g, (space) => (n++ % 3 === pick % 3 ? '\t' : space)));
      }),
      { numRuns: 300 },
    );
    expect(counts.withTree).toBeGreaterThan(250);
  });

  it('agrees with the full parser on generated block documents', () => {
    resetCounts();
    fc.assert(fc.property(documents, (text) => agrees(text)), { numRuns: 400 });
    expect(counts.answered).toBeGreaterThan(60);
    expect(counts.withTree).toBeGreaterThan(60);
  });

  it('agrees on long keys and Unicode spaces (it declines them)', () => {
    for (const text of [`env:\n  ${'K'.repeat(1100)}: v\n`, 'k: a\u00a0#b\n', 'a: 1\n\u00a0b: 2\n']) {
      expect(readSimpleYaml(text)).toBeUndefined();
      agrees(text);
    }
  });

  it('reads plain keys in other scripts as the full parser does, and declines keys holding characters yaml treats otherwise', () => {
    for (const text of ['ключ: значение\n名前: x\nclé: v\n', 'env:\n  ключ: 1\n  "ключ": 2\n  é1: 3\n', 'l:\n- 名前: x\n  b: 1\n', '? ключ\n: v\n', 'ключ:\tv\n', 'k: {ключ: v, 名前: w}\n', 'a😀b: x\n']) {
      expect(readSimpleYamlWithTree(text), text).toBeDefined();
      agrees(text);
    }
    for (const text of ['k\u0085x: v\n', 'a: 1\nk\u2028x: v\n', 'k\u2029: v\n', 'a: 1\n\ufeffb: 2\n', 'k\u0090: v\n', 'k\u3000x: v\n', 'k\u1680x: v\n']) {
      expect(readSimpleYaml(text), JSON.stringify(text)).toBeUndefined();
      agrees(text);
    }
  });

  it('declines what it does not understand', () => {
    for (const text of ['k: &a\n', 'k: !t # c\n', 'k: !<!t> v\n', 'k: |2\n  x\n', 'k: |1\n  x\n', 'k: "a\\x4"\n', 'k: {a: 1,\nb: 2}\n', 'k: {a: x # c\n  }\n', 'k: {a: x\n  y}\n', 'k: 1e3\n', 'k: a\tb\n', 'k: v\rx: 1\n', 'k: multi\n  line: x\n', '\u00a0k: v\n', 'k: a\u00a0#b\n', `${'k'.repeat(1100)}: v\n`]) {
      expect(readSimpleYaml(text), text).toBeUndefined();
    }
  });

  it('reads one-line flow collections with the full parser\'s ranges', () => {
    for (const text of ['k: {a: 1}\n', 'env: { A: x , B: "y" }  # c\nz: 1\n', 'k: {a: , b, c: [1, 2], d: {}}\n', 'k:\n- {a: 1, b: [x]}   # c\n- [ {}, [] ]\n', 'k: [a, ]\n']) {
      expect(readSimpleYamlWithTree(text), text).toBeDefined();
      agrees(text);
    }
  });

  it('reads quoted keys in block mappings with the full parser\'s key ranges and duplicates', () => {
    for (const text of ['"a": 1\n', "env:\n  'K1': v1\n  \"K2\": \"v2\"\n", '"k":\n  - x\n', '"a b": {c: 1}  # c\n', '"x#y": 1\n', "'it''s': 2\n", '"k":   v\n']) {
      const read = readSimpleYamlWithTree(text);
      expect(read, text).toBeDefined();
      expect(read?.issues, text).toEqual([]);
      agrees(text);
    }
    const tree = readSimpleYamlWithTree('env:\n  "k1": v\n')?.tree;
    const env = tree?.kind === 'map' ? tree.entries[0]?.value : undefined;
    // The key's range is the key as written, quotes included.
    expect(env?.kind === 'map' ? env.entries[0] : undefined).toMatchObject({ key: 'k1', keyStart: 7, keyEnd: 11 });
    // A quoted key and a plain one with the same value are one key: yaml reports the second.
    for (const text of ['"a": 1\na: 2\n', "a: 1\n'a': 2\n", '"\\x61": 1\na: 2\n', 'e:\n  "k": 1\n  \'k\': 2\n']) {
      const read = readSimpleYamlWithTree(text);
      expect(read?.issues.map((issue) => issue.rule), text).toEqual(['syntax/duplicate-key']);
      agrees(text);
    }
  });

  it('declines quoted keys it is not sure of', () => {
    for (const text of ['"a\nb": 1\n', '"a\n  b": 1\n', '"a" : 1\n', '"a":1\n', '"a"x: 1\n', '"a": b: c\n', '"true": 1\n', '"": 1\n', `"${'k'.repeat(1100)}": 1\n`, '- "k": v\n', '"open: 1\n']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('reports duplicate keys where the full parser does, in block and flow mappings, and keeps the last value', () => {
    for (const text of ['a: 1\na: 2\n', 'e: {a: x, a: y, a: z}\nb: 1\nb: 2\n', 'e: {k: [a, b], k: {}}\n', 'a: {x: 1, x: 2}\nb: 1\na: 3\n', 'k:\n- name: a\n  name: b\n']) {
      const read = readSimpleYamlWithTree(text);
      expect(read?.issues.length, text).toBeGreaterThan(0);
      agrees(text);
    }
    // As many as the full parser lists, no more.
    const many = `e: {${Array.from({ length: 30 }, () => 'a: 1').join(', ')}}\n`;
    expect(readSimpleYamlWithTree(many)?.issues).toHaveLength(20);
    agrees(many);
  });

  it('agrees with the full parser on generated flow collections, and on each with one character changed', () => {
    resetCounts();
    fc.assert(
      fc.property(fc.constantFrom('k: ', '- ', 'k:\n  - ', 'a: 1\nk: '), flowText, fc.nat(), fc.constantFrom('', ' ', ',', ':', '#', '"', '[', '}', 'a', '- ', ': '), fc.boolean(), (head, body, at, ch, mutate) => {
        const changed = mutate ? `${body.slice(0, at % (body.length + 1))}${ch}${body.slice((at % (body.length + 1)) + (at % 3 === 0 ? 1 : 0))}` : body;
        agrees(`${head}${changed}\n`);
      }),
      { numRuns: 3000 },
    );
    expect(counts.answered).toBeGreaterThan(300);
    expect(counts.withTree).toBeGreaterThan(300);
  });

  it('agrees with the full parser on flow collections over several lines, at any indentation', () => {
    resetCounts();
    const broken = fc.tuple(flowText, fc.array(fc.tuple(fc.nat(), fc.nat(6)), { minLength: 1, maxLength: 4 })).map(([text, breaks]) => {
      let out = text;
      for (const [at, indent] of breaks) {
        // A line break where a blank may go: after a comma or an opening bracket, or in place of a space.
        const spots = [...out.matchAll(/[,[{] ?| /g)].map((m) => (m.index ?? 0) + m[0].length);
        if (spots.length === 0) break;
        const spot = spots[at % spots.length] ?? 0;
        out = `${out.slice(0, spot)}\n${' '.repeat(indent)}${out.slice(spot)}`;
      }
      return out;
    });
    fc.assert(
      fc.property(fc.constantFrom('k: ', 'a: 1\nk: ', 'k:\n  - ', 'k:\n  - nm: ', 'a:\n  k: '), broken, fc.constantFrom('', 'z: 1\n', '# c\nz: 1\n', '  # c\n'), (head, body, tail) => {
        agrees(`${head}${body}\n${tail}`);
      }),
      { numRuns: 3000 },
    );
    expect(counts.answered).toBeGreaterThan(300);
    expect(counts.withTree).toBeGreaterThan(200);
  });

  it('agrees with the full parser on generated block documents with explicit keys (`? key` / `: value`)', () => {
    resetCounts();
    let explicit = 0;
    fc.assert(
      fc.property(documents, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (text, picks) => {
        let n = 0;
        const out = text.replace(/^( *)([A-Za-z_][\w./-]*): (.+)$/gm, (line, pad: string, key: string, value: string) => (picks[n++ % picks.length] ? `${pad}? ${key}\n${pad}: ${value}` : line));
        if (out.includes('? ')) explicit++;
        agrees(out);
      }),
      { numRuns: 1500 },
    );
    expect(explicit).toBeGreaterThan(500);
    expect(counts.withTree).toBeGreaterThan(200);
    for (const text of ['? k\n: v\n', 'env:\n  ? k0\n  : v0\n  j: 2\n  ? j\n  :  [a, {b: 1}]\nz: 1\n', 'a: 1\n?  k\n:   "q"\n']) {
      expect(readSimpleYamlWithTree(text), text).toBeDefined();
      agrees(text);
    }
    for (const text of ['? k\n:\n', '? k\n', '? k # c\n: v\n', '? k\n: v # c\n', '? [a]\n: v\n', '? k\n: |\n  x\n', '? k\n: &a v\n', '? k\n  : v\n', '? k\n: {a: 1,\n  b: 2}\n', '? k\n:\tv\n']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('agrees with the full parser on documents that are one flow mapping, over one line or several, with comments around', () => {
    resetCounts();
    const lineBreaks = fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1, 2, 4)), { maxLength: 4 });
    const soup = fc.constantFrom('', ' ', ',', ':', '#', '"', '[', '}', '\t', '\n---', '\n...', '\n%', '\n#', '- ', ': ', '&a ', '*a');
    fc.assert(
      fc.property(fc.constantFrom('', '# c\n', '\n\n', '  # c\n\n'), flowText, lineBreaks, fc.constantFrom('', ' # c', '\n# c', '\n\n', '\nk: v', ' x', '\n{}'), fc.nat(), soup, fc.boolean(), (head, body, breaks, tail, at, ch, mutate) => {
        let out = body.startsWith('{') ? body : `{k: ${body}}`;
        for (const [spot, indent] of breaks) {
          const spots = [...out.matchAll(/[,[{] ?| /g)].map((m) => (m.index ?? 0) + m[0].length);
          const where = spots[spot % Math.max(1, spots.length)] ?? 1;
          out = `${out.slice(0, where)}\n${' '.repeat(indent)}${out.slice(where)}`;
        }
        if (mutate) out = `${out.slice(0, at % (out.length + 1))}${ch}${out.slice(at % (out.length + 1))}`;
        agrees(`${head}${out}${tail}\n`);
      }),
      { numRuns: 3000 },
    );
    expect(counts.answered).toBeGreaterThan(500);
    expect(counts.withTree).toBeGreaterThan(500);
    const json = `{\n  "type": "http",\n  "env": {"A": "1", "B": 2},\n  "args": [\n    "x"\n  ]\n}\n`;
    expect(readSimpleYamlWithTree(json)?.value).toEqual(JSON.parse(json));
    for (const text of ['{a: 1}\n---\n', '{a: 1,\n---\n}\n', '{a: 1,\n\tb: 2}\n', '{a: 1} x\n', '[1, 2]\n', '{a: 1 # c\n}\n', "{'b':  \n}\n", "k: {'b':  \n  }\n"]) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('reads anchored scalars and their aliases, up to the alias limit, as the full parser does', () => {
    for (const uses of [1, 98, 99, 100]) {
      const text = `a: &x 1\nb: [&y "q", *y]\n${Array.from({ length: uses }, (_, i) => `u${i}: *x\n`).join('')}`;
      const read = readSimpleYamlWithTree(text);
      // Past the limit the full parser reports it (syntax/alias-limit); the fast reader declines.
      expect(read === undefined, String(uses)).toBe(uses >= 100);
      agrees(text);
    }
    for (const text of ['a: *x\n', 'a: &x 1\nb: *x:\n']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('leaves a collection whose anchor is given again inside it to the full parser (an alias after it means the inner node)', () => {
    // Found by the CRLF soup property: the fast reader gave the outer collection.
    for (const text of ['k: &a\n- x\n- &a\n  x: 1\nj: *a\n', 'k: &a [x, &a y]\nj: *a\n', 'k: &a\n  m: &a\n    x: 1\nj: *a\n']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
    expect(readSimpleYaml('k: &a\n- x\n- &b\n  x: 1\nj: *a\n')).toEqual({ k: ['x', { x: 1 }], j: ['x', { x: 1 }] });
  });

  it('reads anchored collections, their aliases and `<<` keys (plain keys: the full path merges nothing) as the full parser does', () => {
    for (const text of ['a: &x [1]\nb: *x\n', 'a: &x\n  k: 1\nb: *x\n', 'b: &b {a: 1}\nm: {<<: *b, c: 2}\n', 'b: &b\n  a: 1\nl:\n  - *b\n  - <<: *b\n    c: 1\n', 'b: &b\n- 1\nc: *b\n', 'l:\n  - &b\n    k: v\n  - *b\n', '<<: 1\nk: {<<: 2}\n', 'b: &b # c\n  a: [1]\nc: *b\n']) {
      const read = readSimpleYamlWithTree(text);
      expect(read, text).toBeDefined();
      agrees(text);
    }
    // An alias inside an anchored collection (yaml counts it otherwise), an anchor on nothing: the full parser's.
    for (const text of ['a: &a 1\nb: &b [*a]\nc: *b\n', 'x: &a\ny: 1\n', 'b: &b\n  a: *x\n']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('reports aliases past the limit as the full path does, after the duplicate keys it lists first', () => {
    const uses = (n: number, anchored: string): string => `d: 1\nd: 2\nb: &b ${anchored}\nl:\n${'  - *b\n'.repeat(n)}`;
    for (const [n, anchored, fails] of [[99, '{a: 1}', false], [100, '{a: 1}', true], [100, '[[1]]', true], [300, '{}', false], [300, '[[], {}]', false], [100, '\n    a: 1', true]] as const) {
      const text = uses(n, anchored);
      const first = readSimpleYamlOrPrefix(text);
      const full = parseYamlWithPositions(text, { budget: false });
      expect(full.fatal, text).toBe(fails);
      if (fails) {
        expect(first.parsed?.issues, text).toEqual(full.issues);
        expect(first.parsed?.fatal).toBe(true);
      } else {
        expect(first.read?.issues, text).toEqual(full.issues);
        expect(first.read?.value, text).toEqual(full.value);
      }
    }
  });

  it('agrees with the full parser on block scalars with varied content lines', () => {
    resetCounts();
    const content = fc.constantFrom('text', 'key: v', '- item', '# hash', 'a  b', '"q"', '|', '');
    const body = fc.array(fc.tuple(fc.nat(5), content), { minLength: 1, maxLength: 6 }).map((rows) => rows.map(([indent, text]) => (text === '' ? '' : `${' '.repeat(indent)}${text}`)).join('\n'));
    const doc = fc.tuple(fc.constantFrom('k: ', 'a:\n  k: ', 'l:\n- ', 'l:\n- k: ', 'l:\n  - k: '), fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|  # c', '|2'), body, fc.constantFrom('', '\n', '\nz: 1\n', '\n# c\nz: 1\n', '\n\n', '\n  # c\n'));
    fc.assert(
      fc.property(doc, ([head, header, lines, tail]) => {
        const pad = ' '.repeat(head.length - head.trimStart().length + (head.includes('- k') ? 4 : 2));
        agrees(`${head}${header}\n${lines.split('\n').map((line) => (line === '' ? '' : `${pad}${line}`)).join('\n')}${tail}`);
      }),
      { numRuns: 3000 },
    );
    expect(counts.answered).toBeGreaterThan(300);
    expect(counts.withTree).toBeGreaterThan(300);
  });

  it('gives no tree for an indented comment deeper than a line around it, or last (yaml puts it in a parent\'s range)', () => {
    for (const text of ['a:\n  b: 1\n   # note\nc: 2\n', 'a:\n  # note\n  b: 1\n', 'k:\n- name: x\n  # note\n  type: y\n', 'type:\n  - a\n  -\n    - a\n  # c\n', 'a:\n  - 1\n  # c\nb: 1\n']) {
      expect(readSimpleYaml(text), text).toBeDefined();
      expect(readSimpleYamlWithTree(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('gives the tree for comments no deeper than the lines around them', () => {
    for (const text of ['a:\n  b:\n    x: 1\n  # note\n  c: 2\n', 'env:\n  A: x\n  # c\n  B: y\n']) {
      expect(readSimpleYamlWithTree(text), text).toBeDefined();
      agrees(text);
    }
  });

  it('agrees with yaml on documents with comment lines at any indentation', () => {
    const commented = fc
      .tuple(documents, fc.array(fc.tuple(fc.nat(40), fc.nat(8)), { maxLength: 6 }))
      .map(([text, comments]) => {
        const lines = text.split('\n');
        for (const [at, indent] of comments) lines.splice(at % lines.length, 0, `${' '.repeat(indent)}# c`);
        return lines.join('\n');
      });
    fc.assert(fc.property(commented, (text) => agrees(text)), { numRuns: 3000 });
  });

  it('gives no tree for a comment under a key that has no value yet (found by the soup property)', () => {
    for (const text of ['args:\n# comment\n', 'env:\n\n# note\nb: 1\n', 'k:\n-\n# c\n', 'k:\n  - end:\n# c\n  a: 1\n', 'k: # c\n', 'a:\n  k: # c\n\nb: 2\n', 'a:\n  - # c\n\n\n']) {
      expect(readSimpleYamlWithTree(text), text).toBeUndefined();
      agrees(text);
    }
  });

  it('never changes the result of a check', async () => {
    const names = (await readdir(`${FIXTURES}rules`)).filter((name) => name.endsWith('.yaml'));
    for (const name of names) await sameResult(await readFile(`${FIXTURES}rules/${name}`, 'utf8'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 25 }), async (lines) => {
        await sameResult(lines.join(''));
      }),
      { numRuns: 150 },
    );
  });
});
