/**
 * The fast path (fast-yaml.ts and its parts) and the full parser's path must give the
 * same findings, word for word and position for position, and the same data. This runs
 * both over every manifest fixture and a corpus of varied and hostile manifests, each
 * built to push the fast reader to its edges (flow collections, duplicates, anchors and
 * the alias limit, block scalars, nesting near the depth limit, long lines).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSimpleYamlTree } from '../../src/core/manifest/fast-yaml.js';
import { analyzeManifestText } from '../../src/core/validate/check-manifest.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n';
const key = (i: number): string => `k${i.toString(36)}`;
const times = (n: number, line: (i: number) => string): string => Array.from({ length: n }, (_, i) => line(i)).join('');

const CORPUS: Record<string, string> = {
  'flow env with bare numbers': `${HEAD}env: {A: 1, B: "x", C: true, D: , E}\n`,
  'flow env over lines with bare numbers': `${HEAD}env: {\n  A: 1,\n  B: "x",\n  C: [1, 2]\n}\n`,
  'flow args with numbers and a nested list': `${HEAD}args: [plugin.py, --port, 8090, [x]]\n`,
  'flow config_schema': `${HEAD.replace('  provider_type: a\n', '  provider_type: a\n  config_schema: [{name: k, type: strin, required: yes}, {name: k, type: int, default: x}]\n')}`,
  'thirty duplicate keys in a flow mapping': `${HEAD}env: {${times(30, () => 'A: x, ')}B: y}\n`,
  'duplicate keys in block mappings at two levels': `${HEAD}metadata:\n  name: b\nenv:\n  A: x\n  A: y\n`,
  'a duplicate before a duplicate inside its value': `${HEAD}env: {A: {x: 1, x: 2}, A: 3}\n`,
  '99 aliases of one anchor': `${HEAD}args:\n  - &p x\n${times(98, () => '  - *p\n')}`,
  '100 aliases of one anchor': `${HEAD}args:\n  - &p x\n${times(99, () => '  - *p\n')}`,
  '101 aliases of one anchor': `${HEAD}args:\n  - &p x\n${times(100, () => '  - *p\n')}`,
  'an alias of a collection': `${HEAD}env: &e {A: x}\nx: *e\n`,
  'an alias of a flow mapping past the limit, and duplicates': `${HEAD}x: 1\nx: 2\nb: &b {a: 1}\nl:\n${times(120, () => '  - *b\n')}`,
  'an alias of a block mapping in merge keys': `${HEAD}b: &b\n  a: 1\nl:\n${times(60, (i) => `  - {<<: *b, c: ${i}}\n`)}`,
  'merge keys past the limit': `${HEAD}b: &b {a: 1}\nl:\n${times(120, (i) => `  - {<<: *b, c: ${i}}\n`)}`,
  'an alias of an empty collection past the limit': `${HEAD}b: &b []\nl:\n${times(120, () => '  - *b\n')}`,
  'a document that is one flow mapping, with findings': `# c\n{type: http, endpoint: "http://127.0.0.1:8090", command: x, env: {A: 1, B: x, A: 2}, metadata: {name: a, version: 1.0}}  # d\n`,
  'JSON written as YAML over lines': `{\n  "type": "http",\n  "endpoint": "http://127.0.0.1:8090/",\n  "auto_start": true,\n  "metadata": {"name": "a", "version": "1.0.0", "plugin_api_version": "1.0.0", "provider_type": "A"},\n  "args": [\n    "--port", 8091\n  ]\n}\n`,
  'an alias before its anchor': `${HEAD}command: *c\nx: &c y\n`,
  'an anchor on an alias (yaml refuses it)': `${HEAD}a: &a x\nb: &b *a\nc: *b\n`,
  'an anchor on an alias in a block sequence': `${HEAD}args:\n  - &a x\n  - &b *a\n`,
  'two anchors on one node': `${HEAD}a: &a &b x\nc: *b\n`,
  'anchors in flow collections': `${HEAD}args: [&a x, *a, *a]\nenv: {A: &b "1", B: *b}\n`,
  'block scalars everywhere': `${HEAD}command: |\n  python3\nenv:\n  A: >-\n    folded\n  B: |+\n    kept\n\n  C: |-\n    x\n    # not a comment\n`,
  'block scalar with a comment after it': `${HEAD}env:\n  A: |\n    x\n  # note\n  B: y\n`,
  'flow mappings 95 deep': `${HEAD}x: ${'{a: '.repeat(95)}1${'}'.repeat(95)}\n`,
  'flow mappings 99 deep': `${HEAD}x: ${'{a: '.repeat(99)}1${'}'.repeat(99)}\n`,
  'flow mappings 101 deep': `${HEAD}x: ${'{a: '.repeat(101)}1${'}'.repeat(101)}\n`,
  'brackets in plain text on 101 lines': `${HEAD}${times(101, (i) => `${key(i)}: a[\n`)}`,
  'a 200 KB line': `${HEAD.replace('  provider_type: a\n', `  provider_type: a\n  description: "${'word '.repeat(40_000)}"\n`)}`,
  '__proto__ and constructor keys in flow': `${HEAD}env: {__proto__: x, constructor: y}\nx: {__proto__: {a: 1}}\n`,
  'a key with no value and a comment': `${HEAD}env: # none yet\n\nx: 1\n`,
  'flow collection with a comment after it over lines': `${HEAD}args: [\n  a,\n  b\n]  # c\n# d\nenv: {A: x}\n`,
  'closing bracket left of its parent': `${HEAD}metadata:\n  name: b\n  tags: [\n  a,\n]\n`,
  'flow mapping key with blanks before the colon': `${HEAD}env: {A : x}\n`,
  'escapes in double quotes': `${HEAD}env: {"A\\"": "x\\ty", B: "\\u00e9\\N", C: 1}\ncommand: "py\\\\thon"\nargs: ["\\x41", "\\U0001F600"]\n`,
  'quoted keys with escapes in flow': `${HEAD}env: {"A\\tB": x, 'it''s': y}\n`,
  'core tags on scalars, a value each fits and one it does not': `${HEAD}env: {A: !!str 1, B: !!int "0x1F"}\nx-a: !!bool True\nx-b: !!int x\nauto_start: !!bool false\nargs: [!!str 1, !!null ~]\n`,
  'local tags on scalars, on a required field too': `${HEAD.replace('command: x', 'command: !py x')}env:\n  A: !mine v # c\n  B: !mine "w"\nargs: [!t a]\n`,
  'tags with a duplicate key after them': `${HEAD}env:\n  A: !t v\n  A: !!str 2\n`,
  'x and U escapes, valid and not': `${HEAD}env:\n  A: "\\x41\\U0001F600\\u00e9"\n  B: "\\U00110000"\n`,
  'multi-line plain and quoted scalars with findings': `${HEAD}env:\n  A: one\n    two\n  B: 'three\n\n    four'\n  C: "five\\\n    six"\nauto_start: yes\n  please\nargs:\n  - x\n    y\n  - k: a\n     b\n`,
  'a multi-line scalar whose next line is a key': `${HEAD}env:\n  A: one\n    two: x\n`,
  'a CRLF manifest with findings': `${HEAD}env:\n  A: 1\n  B: "x\n    y"\nargs: [a, 1]\nunknown: |\n  text\n`.replace(/\n/g, '\r\n'),
  'a manifest with some CRLF lines and a CR alone': `${HEAD}x: 1\r\ny: 2\rz: 3\n`,
  'tabs as separators, with findings': `${HEAD}env:\n  A:\t1\t# n\n  B:\t"x"\nargs:\n  -\ta\n  - \t2\n`,
  'tabs where yaml refuses them': `${HEAD}args:\n  -\tk: 1\n\tx: 1\n`,
  'a line of a tab alone after a key with no value (yaml: tab as indentation)': `${HEAD}x:\n\t\nx: a\nenv:\n\t\n  A: 1\ny: &a\n\t\nz: 1\n`,
  'a line of a tab alone after a key with no value, last': `${HEAD}x:\n\t\nx: a\n`,
  'a document start marker': `---\n${HEAD}env:\n  A: "x"\n  B: 1\n`,
  'a directive and a marker, with comments': `# top\n%YAML 1.2\n--- # the manifest\n${HEAD}env: {A: 1}\nunknown: 2\n`,
  'an end marker and a comment after it': `${HEAD}env:\n  A: x\n  A: y\n...\n# after\n`,
  'markers with CRLF line ends': `---\r\n${HEAD.replace(/\n/g, '\r\n')}env:\r\n  A: 1\r\n...\r\n`,
  'a YAML 1.1 directive (other booleans: left to the full parser)': `%YAML 1.1\n---\n${HEAD}auto_start: yes\nenv:\n  A: 0777\n`,
  'two documents': `---\n${HEAD}---\nx: 1\n`,
  'a marker with a value on its line': `--- \n${HEAD}env:\n  A: 1\n--- |\n  text\n`,
  'a directive without its marker': `%YAML 1.2\n${HEAD}`,
};

/** Small versions of the bench's large shapes (bench/validate.mjs). */
const SHAPES: Record<string, string> = {
  'unknown keys': `${HEAD}${times(300, (i) => `${key(i)}: 1\n`)}`,
  'env comments': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: 1\n${i % 20 === 10 ? '  # n\n' : ''}`)}`,
  'flow mapping': `${HEAD}env: {${times(300, (i) => `${i ? ', ' : ''}${key(i)}: ${i % 7 ? 'x' : '1'}`)}}\n`,
  'flow over lines': `${HEAD}args: [\n${times(300, (i) => `  ${i % 9 ? key(i) : i},\n`)}]\n`,
  'anchors and aliases': `${HEAD}args:\n${times(300, (i) => `  - ${i % 90 === 0 ? `&a${Math.floor(i / 90)} x` : `*a${Math.floor(i / 90)}`}\n`)}`,
  'explicit keys': `${HEAD}env:\n${times(300, (i) => `  ? ${key(i)}\n  : ${i % 5 ? 'v' : i}\n`)}`,
  'block scalar': `${HEAD.replace('  provider_type: a\n', '  provider_type: a\n  description: |\n')}${times(300, (i) => `    ${key(i)}\n`)}`,
};

/** Small versions of the scalar shapes of bench/validate-limit.mjs: the fast reader reads each with its tree. */
const LIMIT_SHAPES: Record<string, string> = {
  'tags': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: !!str v${i}\n`)}`,
  'local tags': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: !mine v${i}\n`)}`,
  'x escapes': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: "\\x41\\t\\u00e9${i}"\n`)}`,
  'U escapes': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: "\\U0001F600${i}"\n`)}`,
  'multi-line plain': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: a plain value\n    over two lines ${i}\n`)}`,
  'multi-line quoted': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: 'a quoted value\n    over two lines ${i}'\n`)}`,
  'CRLF lines': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}: v${i}\n`)}`.replace(/\n/g, '\r\n'),
  'tab separators': `${HEAD}env:\n${times(300, (i) => `  ${key(i)}:\tv${i}\t# c\n`)}`,
  'unicode keys': `${HEAD}env:\n${times(300, (i) => `  ключ${i}: значение\n  名前${i}: x\n`)}`,
};

async function sameBothWays(name: string, text: string): Promise<void> {
  const fast = await analyzeManifestText(text, 'plugin.yaml');
  const full = await analyzeManifestText(text, 'plugin.yaml', { fast: false, fullParseBudget: false });
  expect(fast.result, name).toEqual(full.result);
  expect(fast.providerType?.value, name).toEqual(full.providerType?.value);
}

describe('fast path and full parser give the same findings', () => {
  it('on every manifest fixture', async () => {
    let count = 0;
    for (const sub of await readdir(FIXTURES, { recursive: true })) {
      if (!/\.ya?ml$/.test(sub)) continue;
      await sameBothWays(sub, await readFile(join(FIXTURES, sub), 'utf8'));
      count++;
    }
    expect(count).toBeGreaterThan(30);
  });

  for (const [name, text] of Object.entries({ ...CORPUS, ...SHAPES, ...LIMIT_SHAPES })) {
    it(name, async () => {
      await sameBothWays(name, text);
    });
  }

  it('the scalar shapes at the size limit are read by the fast reader, tree and all', () => {
    for (const [name, text] of Object.entries(LIMIT_SHAPES)) expect(readSimpleYamlTree(text)?.tree, name).toBeDefined();
  });

  it('the corpus is not read by the full parser alone: the fast reader answers for most of it', () => {
    const answered = Object.values({ ...CORPUS, ...SHAPES }).filter((text) => readSimpleYamlTree(text)?.tree !== undefined);
    expect(answered.length).toBeGreaterThan(20);
  });
});
