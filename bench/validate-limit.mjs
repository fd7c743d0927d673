#!/usr/bin/env node
/**
 * Hostile manifests at the size limit: one file per shape, filled up to just under 1 MiB
 * (the largest manifest `validate` reads), each timed as a whole CLI process. Issue 14's
 * target is that *any* input up to the limit validates in under 1 s, so the shapes here
 * are the ones a parser pays most for per byte: dense nesting, many short nodes, every
 * node a finding, and the YAML features a fast reader is most likely to leave to the
 * full parser (tags, escapes, multi-line scalars, explicit keys, aliases of collections,
 * CRLF, tabs, several documents, a syntax error at the very end).
 *
 *   node bench/validate-limit.mjs [--rounds 3] [--shape tags]
 *
 * Prints the median wall and CPU time per shape (rounds interleaved, after a warm-up
 * round) and whether each is under 1 s. bench/validate.mjs has the linearity check
 * (10k/50k/100k keys); this file has the worst cases. Needs the build (`npm run build`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ROUNDS = Number(flag('--rounds') ?? 3);
const picked = flag('--shape');
const bin = join(root, 'bin', 'loom-plugin.js');
const work = join(root, 'bench', '.work', 'validate-limit');
const LIMIT = 1024 * 1024;

if (!existsSync(join(root, 'dist', 'bundle', 'cli.js'))) {
  console.log('Building (npm run build) ...');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

const HEAD = 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: Big\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: big\n';
const ENV = `${HEAD}env:\n`;
const JSON_HEAD = '{"type": "http", "endpoint": "http://127.0.0.1:8090", "auto_start": true, "command": "x", "metadata": {"name": "Big", "version": "1.0.0", "plugin_api_version": "1.0.0", "provider_type": "big"}';
const ARGS = `${HEAD}args:\n`;

const { FULL_PARSE_BUDGET } = await import(join(root, 'dist', 'core', 'manifest', 'yaml-budget.js'));

/** Lines of `line(i)` up to `budget` characters less a few lines of slack (the seam lines the parser sees too). */
function upTo(budget, line) {
  const parts = [];
  for (let i = 0, size = 0; size + line(i).length < budget - 1024; size += line(i).length, i++) parts.push(line(i));
  return parts.join('');
}

/**
 * Each shape: the text before the repeated part, the part for item i, and the text that
 * closes the file. Items are added while the whole stays under the limit.
 */
const SHAPES = {
  // Plain block YAML, every node a finding or a tiny node.
  'env numbers': { head: ENV, item: (i) => `  k${i}: ${i}\n` },
  'unknown keys': { head: HEAD, item: (i) => `k${i}: 1\n` },
  'empty values': { head: ENV, item: (i) => `  k${i}:\n` },
  'tiny items': { head: ARGS, item: () => '  - a\n' },
  'comments only': { head: ENV, item: (i) => `  # comment ${i}\n`, tail: '  A: b\n' },
  // Scalars the simplest readers leave to a full parser.
  'tags': { head: ENV, item: (i) => `  k${i}: !!str v${i}\n` },
  'local tags': { head: ENV, item: (i) => `  k${i}: !mine v${i}\n` },
  'x escapes': { head: ENV, item: (i) => `  k${i}: "\\x41\\t\\u00e9${i}"\n` },
  'U escapes': { head: ENV, item: (i) => `  k${i}: "\\U0001F600${i}"\n` },
  'multi-line plain': { head: ENV, item: (i) => `  k${i}: a plain value\n    over two lines ${i}\n` },
  'multi-line quoted': { head: ENV, item: (i) => `  k${i}: 'a quoted value\n    over two lines ${i}'\n` },
  'folded scalars': { head: ENV, item: (i) => `  k${i}: >-\n    folded\n    value ${i}\n` },
  'CRLF lines': { head: ENV.replace(/\n/g, '\r\n'), item: (i) => `  k${i}: v${i}\r\n` },
  'tab separators': { head: ENV, item: (i) => `  k${i}:\tv${i}\t# c\n` },
  // Structure.
  'explicit keys': { head: ENV, item: (i) => `  ? k${i}\n  : v${i}\n` },
  'quoted keys': { head: ENV, item: (i) => `  "k${i}": v${i}\n` },
  'alias of a map': { head: `${HEAD}x-base: &base {a: 1}\nx-list:\n`, item: (i) => `  - *base\n`, limitItems: 99 * 1000 },
  // An anchor of 100k keys used 99 times as config fields (within the alias count): each
  // use is the whole mapping again to the schema, 10 million values and 6 million
  // findings (10 s, 2 GB); refused by the alias expansion limit.
  'alias of a large map': {
    head: 'type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nx-base: &b\n',
    item: (i) => ` k${i.toString(16)}: 1\n`,
    tail: `metadata:\n  name: Big\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: big\n  config_schema:\n${'    - *b\n'.repeat(99)}`,
  },
  'merge keys': { head: `${HEAD}x-base: &base {a: 1}\nx-list:\n`, item: (i) => `  - {<<: *base, b: ${i}}\n` },
  'nested flow': { head: ENV, item: (i) => `  k${i}: [[[[1]]]]\n` },
  // plugin.json (its own strict reader): every item a finding, unknown keys, escapes.
  'JSON numbers in args': { json: true, head: `${JSON_HEAD}, "args": [`, item: () => '1,', tail: '1]}\n' },
  'JSON unknown keys': { json: true, head: `${JSON_HEAD}, `, item: (i) => `"k${i}": 1, `, tail: '"z": 1}\n' },
  'JSON escapes': { json: true, head: `${JSON_HEAD}, "env": {`, item: (i) => `"k${i}": "\\u00e9\\n\\ud83d\\ude00", `, tail: '"z": "1"}}\n' },
  'flow document': { head: '{type: http, endpoint: "http://127.0.0.1:8090", command: x, env: {', item: (i) => `k${i}: v${i}, `, tail: 'z: z}}\n' },
  'deep block': { head: HEAD, item: (i) => `x${i}:\n${Array.from({ length: 60 }, (_, d) => `${' '.repeat(d + 1)}a${d}:`).join('\n')} v\n` },
  'documents': { head: '', item: (i) => `---\nk${i}: 1\n` },
  // Plain YAML the fast reader reads, broken at the very end: the whole file reaches the
  // full parser for its error message.
  'error at the end': { head: ENV, item: (i) => `  k${i}: v${i}\n`, tail: '  bad: [unclosed\n' },
  'bad indent at the end': { head: ENV, item: (i) => `  k${i}: v${i}\n`, tail: '   odd: indent\n' },
  'CRLF error at the end': { head: ENV.replace(/\n/g, '\r\n'), item: (i) => `  k${i}: v${i}\r\n`, tail: '  bad: [unclosed\r\n' },
  // A line the fast reader leaves to the full parser that parses without error: the lines
  // before it are merged back into the full parser's result, not parsed again.
  'odd key at the end': { head: ENV, item: (i) => `  k${i}: v${i}\n`, tail: '  odd : x\n' },
  // Rules with a cost of their own: a pattern match per config field, simple or backtracking.
  'pattern fields': { head: `${HEAD}  config_schema:\n`, item: (i) => `    - {name: f${i}, type: string, default: abc, validation: {pattern: "^[a-z]+$"}}\n` },
  'backtracking patterns': { head: `${HEAD}  config_schema:\n`, item: (i) => `    - {name: f${i}, type: string, default: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!, validation: {pattern: "^(a+)+$"}}\n`, limitItems: 1000 },
  // YAML only the full parser reads, a whole megabyte of it: refused before parsing
  // (syntax/too-complex), so these measure the fast reader's pass and the refusal.
  'collection keys': { head: ENV, item: (i) => `  ? [a${i}]\n  : v\n` },
  'tab indentation': { head: ENV, item: (i) => `\tk${i}: v\n` },
  'quoted keys in items': { head: `${HEAD}x-list:\n`, item: (i) => `  - "k${i}": v\n` },
  'nested items, errors': { head: ENV, item: (i) => `- - a: ${i}\n    - b\n` },
  // Plain YAML up to the limit, then as much of the full parser's YAML as its budget takes
  // (the most it is ever given): valid, and every line an error.
  'budget: collection keys': { head: ENV, item: (i) => `  k${i}: v${i}\n`, tail: upTo(FULL_PARSE_BUDGET, (i) => `  ? [c${i}]\n  : v\n`) },
  'budget: tab errors': { head: ENV, item: (i) => `  k${i}: v${i}\n`, tail: upTo(FULL_PARSE_BUDGET, (i) => `\tt${i}: v\n`) },
  'budget: item errors': { head: ENV, item: (i) => `  k${i}: v${i}\n`, tail: upTo(FULL_PARSE_BUDGET, (i) => `- - a: ${i}\n    - b\n`) },
  // The same odd line, or odd list, before the plain entries (or among them): the entries
  // after it are read fast too, and only the odd part reaches the full parser.
  'odd key at start': { head: `${ENV}  odd : x\n`, item: (i) => `  k${i}: v${i}\n` },
  'odd key in the middle': { head: ENV, item: (i) => (i === 30000 ? '  odd : x\n' : `  k${i}: v${i}\n`) },
  'odd list at start': { head: `${HEAD}x-list:\n  - "k": v\nenv:\n`, item: (i) => `  k${i}: v${i}\n` },
  // Keys in other scripts: plain keys to yaml as to the fast reader.
  'unicode keys': { head: ENV, item: (i) => `  ключ${i}: значение\n` },
  // Plain YAML the fast reader reads whole but cannot point into (a comment deeper than
  // `env:`), with a finding on every line: placed by the full parser up to its plain
  // budget (64 KiB), refused past it.
  'deep comment, findings': { head: `${ENV}  # the values\n`, item: (i) => `  k${i}: ${i}\n` },
  'deep comment, 64 KiB': { head: `${ENV}  # the values\n`, item: (i) => `  k${i}: ${i}\n`, limitItems: 4_500 },
};

function build(shape) {
  const { head, item, tail = '', limitItems = Infinity } = SHAPES[shape];
  const parts = [head];
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let i = 0; i < limitItems; i++) {
    const part = item(i);
    const bytes = Buffer.byteLength(part);
    if (size + bytes > LIMIT) break;
    parts.push(part);
    size += bytes;
  }
  parts.push(tail);
  return parts.join('');
}

/** Runs a command under bash so `times` reports the children's CPU; returns seconds and the exit code. */
function measure(file) {
  const command = `node '${bin}' validate '${file}' --format json`;
  const script = `start=$(date +%s%N); ${command} >/dev/null 2>&1; code=$?; end=$(date +%s%N); echo "$code $(( (end - start) / 1000 ))"; times`;
  const out = execFileSync('bash', ['-c', script], { cwd: root, encoding: 'utf8' });
  const [first, , children] = out.trim().split('\n');
  const [code, micros] = first.split(' ').map(Number);
  const cpu = children
    .trim()
    .split(/\s+/)
    .map((t) => /^(\d+)m([\d.]+)s$/.exec(t))
    .reduce((sum, m) => sum + (m ? Number(m[1]) * 60 + Number(m[2]) : 0), 0);
  return { code, wall: micros / 1e6, cpu };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

rmSync(work, { recursive: true, force: true });
const files = Object.keys(SHAPES)
  .filter((shape) => !picked || shape === picked)
  .map((shape) => {
    const text = build(shape);
    const file = join(work, shape.replace(/[^a-z0-9]+/gi, '-'), SHAPES[shape].json ? 'plugin.json' : 'plugin.yaml');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return { shape, file, bytes: Buffer.byteLength(text), wall: [], cpu: [], codes: new Set() };
  });
if (files.length === 0) {
  console.error(`No shape named ${picked}; the shapes are: ${Object.keys(SHAPES).join(', ')}`);
  process.exit(2);
}

console.log(`hostile manifests at the 1 MiB limit: ${ROUNDS} interleaved rounds (+1 warm-up), node ${process.version}`);
for (let round = 0; round <= ROUNDS; round++) {
  for (const f of files) {
    const result = measure(f.file);
    if (result.code > 1) throw new Error(`${f.shape}: validate exited with ${result.code} (expected 0 or 1)`);
    if (round === 0) continue;
    f.wall.push(result.wall);
    f.cpu.push(result.cpu);
    f.codes.add(result.code);
  }
}

console.log(`\n${'shape'.padEnd(22)} ${'size'.padStart(9)}  exit   median wall   median CPU   under 1 s`);
const missed = [];
for (const f of files) {
  const wall = median(f.wall);
  if (wall >= 1) missed.push(f.shape);
  console.log(`${f.shape.padEnd(22)} ${`${(f.bytes / 1024).toFixed(0)} KiB`.padStart(9)}  ${[...f.codes].join('/').padStart(4)}   ${wall.toFixed(3).padStart(9)} s   ${median(f.cpu).toFixed(3).padStart(8)} s   ${wall < 1 ? 'yes' : 'NO'}`);
}
console.log(`\ntarget "any manifest up to 1 MiB validates in under 1 s": ${missed.length === 0 ? 'met' : `NOT met by ${missed.join(', ')}`}`);
if (missed.length > 0) process.exitCode = 1;
