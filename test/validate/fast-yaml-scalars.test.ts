/**
 * The fast reader's scalar-level YAML (tags, every double-quoted escape, plain and quoted
 * scalars over several lines, CRLF line ends, tabs as separation) against the full
 * parser: a unit test per construct that fails when its reading breaks, and generated
 * documents (and each with one character changed) on which the data, the ranges and the
 * findings must be yaml's wherever the fast reader answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSimpleYaml, readSimpleYamlWithTree } from '../../src/core/manifest/fast-yaml.js';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';
import { agrees, counts, resetCounts } from './fast-yaml-agreement.js';

/** Reads `text` with a tree, checks it against the full parser, and returns the data. */
function readExactly(text: string): Record<string, unknown> {
  const read = readSimpleYamlWithTree(text);
  expect(read, text).toBeDefined();
  agrees(text);
  return read?.value as Record<string, unknown>;
}

/** The text with one character inserted, replaced or deleted at `at`. */
function mutate(text: string, at: number, ch: string, how: number): string {
  const i = at % (text.length + 1);
  if (how % 3 === 0) return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i) + ch + text.slice(i + (how % 3 === 1 ? 1 : 0));
}

/** Where a generated value goes: the text before it, and the indentation its parent has. */
const PLACES: [string, number][] = [
  ['k: ', 0],
  ['a:\n  k: ', 2],
  ['l:\n- ', 0],
  ['l:\n  - ', 2],
  ['l:\n- k: ', 2],
  ['l:\n  - x: 1\n    k: ', 4],
];
const TAILS = ['', 'z: 1\n', '# c\nz: 1\n', '  # c\n', '\n\nz: 1\n', '  z: 1\n', '    z: 1\n', 'l2:\n- 1\n'];
const CHANGES = ['', ' ', '\t', '\n', '\r', '#', ':', '"', "'", '\\', '!', '-', 'a', '  '];

describe('fast YAML reader: scalar constructs, each read exactly as the full parser reads it', () => {
  it('reads core tags as yaml resolves them, and warns at the tag where yaml does', () => {
    const text = 'a: !!str 1\nb: !!int "0x1F"\nc: !!float 1e3\nd: !!bool True\ne: !!null ~\nf: !!int -0\ng: !!float -.inf\nh: [!!str 2, !!bool "false"]\ni: {j: !!int 0o17}\nl: ! true\n';
    const value = readExactly(text);
    expect(value).toEqual({ a: '1', b: 31, c: 1000, d: true, e: null, f: -0, g: Number.NEGATIVE_INFINITY, h: ['2', false], i: { j: 15 }, l: 'true' });
    expect(Object.is(value.f, -0)).toBe(true);
    // A tag on an empty value, and the non-specific `!` (a string, no warning).
    expect(readExactly('a:\n  k: !!str\n  m: !!null  \nz: ! 1\n')).toEqual({ a: { k: '', m: null }, z: '1' });
    const tree = readSimpleYamlWithTree('k: !!str v\n')?.tree;
    // The scalar's range starts after the tag, as yaml's does.
    expect(tree?.kind === 'map' && tree.entries[0]?.value).toEqual({ kind: 'scalar', start: 9, end: 10 });
  });

  it('reads local tags and core tags a value does not fit as strings, with yaml\'s warning at the tag', () => {
    const text = 'a: !mine v\nb: !!int x # c\nc: [!x-y "q"]\nd: !!binary aGk=\n';
    expect(readExactly(text)).toEqual({ a: 'v', b: 'x', c: ['q'], d: 'aGk=' });
    const issues = readSimpleYamlWithTree(text)?.issues ?? [];
    expect(issues.map((issue) => [issue.rule, issue.start, issue.end, issue.message])).toEqual([
      ['syntax/unknown-tag', 3, 8, 'Unresolved tag: !mine; the value is read as a plain string.'],
      ['syntax/unknown-tag', 14, 19, 'Unresolved tag: tag:yaml.org,2002:int; the value is read as a plain string.'],
      ['syntax/unknown-tag', 30, 34, 'Unresolved tag: !x-y; the value is read as a plain string.'],
      ['syntax/unknown-tag', 43, 51, 'Unresolved tag: tag:yaml.org,2002:binary; the value is read as a plain string.'],
    ]);
    // Warnings come before duplicate keys, and 20 at most, as the full parser lists them.
    const many = `${Array.from({ length: 25 }, (_, i) => `k${i}: !t v\n`).join('')}k0: x\n`;
    expect(readSimpleYamlWithTree(many)?.issues).toEqual(parseYamlWithPositions(many).issues);
    expect(readSimpleYamlWithTree(many)?.issues).toHaveLength(20);
  });

  it('reads every double-quoted escape yaml reads, and declines the ones it refuses', () => {
    const text = 'a: "\\x41\\t\\u00e9\\U0001F600"\nb: "\\N\\_\\L\\P\\0\\a\\b\\e\\f\\v\\r\\n\\/\\ \\"\\\\"\nc: "\\U0010FFFF\\x7e"\nd: \'it\'\'s\'\n';
    expect(readExactly(text)).toEqual({ a: 'A\té\u{1F600}', b: '\u0085\u00a0\u2028\u2029\u0000\u0007\b\u001b\f\v\r\n/ "\\', c: '\u{10FFFF}~', d: "it's" });
    for (const bad of ['k: "\\x4"\n', 'k: "\\xZZ"\n', 'k: "\\U00110000"\n', 'k: "\\U0001F60"\n', 'k: "\\q"\n', 'k: "\\u12"\n']) {
      expect(readSimpleYaml(bad), bad).toBeUndefined();
      expect(parseYamlWithPositions(bad).fatal, bad).toBe(true);
    }
  });

  it('reads plain scalars over several lines, folded as yaml folds them', () => {
    const text = 'a: one\n  two\nb: one\n\n   two   \n\n\n  three # c\nl:\n- x\n  y\n- k: p\n   q\nz: 1\n';
    expect(readExactly(text)).toEqual({ a: 'one two', b: 'one\ntwo\n\nthree', l: ['x y', { k: 'p q' }], z: 1 });
    // A continuation line that reads as a key is yaml's error: left to the full parser.
    expect(readSimpleYaml('a: one\n  two: x\n')).toBeUndefined();
  });

  it('reads quoted scalars over several lines, folded as yaml folds them', () => {
    const text = "a: 'one\n  two''s\n\n  three'  # c\nb: \"x\\\n   y \\\n  z  \n\n  \\ w\"\nl:\n- 'p\n  q'\nz: 1\n";
    expect(readExactly(text)).toEqual({ a: "one two's\nthree", b: 'xy z\n w', l: ['p q'], z: 1 });
    // A line of the scalar no deeper than its parent is yaml's error.
    expect(readSimpleYaml("a:\n  k: 'x\n  y'\n")).toBeUndefined();
    expect(parseYamlWithPositions("a:\n  k: 'x\n  y'\n").fatal).toBe(true);
  });

  it('reads folded block scalars over blank and more-indented lines, folded as yaml folds them', () => {
    const text = 'a: >\n  one\n  two\n\n  three\n    kept\n      deeper\n  four\n\n\nb: >-\n\n  x\n\n\n  y\nc: >+\n  z\n\n';
    expect(readExactly(text)).toEqual({ a: 'one two\nthree\n  kept\n    deeper\nfour\n', b: '\nx\n\ny', c: 'z\n\n' });
  });

  it('reads CRLF line ends with every range an offset into the original text', () => {
    const text = 'a: 1\r\nb:\r\n  - x\r\n  - |\r\n    y\r\nc: "p\r\n  q"\r\nd: {e: 1}\r\n';
    expect(readExactly(text)).toEqual({ a: 1, b: ['x', 'y\n'], c: 'p q', d: { e: 1 } });
    const tree = readSimpleYamlWithTree(text)?.tree;
    const d = tree?.kind === 'map' ? tree.entries[3] : undefined;
    expect(d?.keyStart).toBe(text.indexOf('d:'));
    expect(d?.value?.end).toBe(text.indexOf('}') + 1);
    expect(readSimpleYaml('a: 1\rb: 2\n')).toBeUndefined();
  });

  it('reads tabs that separate (after `key:` or `-`, before a comment, at the end of a line), never tabs that indent', () => {
    const text = 'a:\tv\t# c\nb:\t\t"q"\t\nl:\n  -\tx\n  - \ty\t\nc: "in\tquotes"\n';
    expect(readExactly(text)).toEqual({ a: 'v', b: 'q', l: ['x', 'y'], c: 'in\tquotes' });
    // Blank lines and comments with tabs: the data is read (a comment with a tab before it gives no tree).
    expect(readExactly('a: 1\n\t\nb: 2 # x\ty\n#\tc\n')).toEqual({ a: 1, b: 2 });
    expect(readSimpleYaml('a:\n  x: 1\n \t# c\n  z: 2\n')).toEqual({ a: { x: 1, z: 2 } });
    agrees('a:\n  x: 1\n \t# c\n  z: 2\n');
    // Right after a block scalar yaml refuses a tab on a blank line, and at the very end
    // of the file after an indented comment (found by the tab property).
    for (const text of ['k: |\n  a\n\t\nz: 1\n', 'l:\n  - "q"\n  # c\n\t']) {
      expect(readSimpleYaml(text), text).toBeUndefined();
      agrees(text);
    }
    // A folded line led by a tab is more indented: kept with its line breaks (found by the tab property).
    expect(readExactly('k: >-\n  a\n  \ta\n  a\n')).toEqual({ k: 'a\n\ta\na' });
    for (const declined of ['a:\n\tb: 1\n', 'l:\n  -\tx: 1\n', 'a: x\ty\n', 'a: [x,\ty]\n', 'a: "x\n\ty"\n']) expect(readSimpleYaml(declined), declined).toBeUndefined();
  });
});

const TAGS = ['!!str', '!!int', '!!float', '!!bool', '!!null', '!!binary', '!!timestamp', '!!map', '!!seq', '!mine', '!a-b_1', '!', '!!', '!a!b', '!<tag:yaml.org,2002:str>', '!%21x'];
const TAGGED = ['v', '1', '-0', '+5', '007', '0o17', '0x1F', '0xg', '1.5', '.5', '1.', '1e3', '-.inf', '.NaN', 'true', 'True', 'yes', 'null', '~', 'NULL', '""', "''", '"1"', "'true'", '"\\x41"', 'a b', 'a # c', '&x v', '*x', '[a]', '{a: 1}', '|', ''];
const ESCAPES = ['\\x41', '\\x4', '\\xZZ', '\\u00e9', '\\uD83D', '\\U0001F600', '\\U00110000', '\\U0000004', '\\N', '\\_', '\\L', '\\P', '\\ ', '\\0', '\\e', '\\/', '\\"', '\\\\', '\\q', 'a', ' ', '#', ': ', "'"];
const PLAIN_FIRST = ['a', 'one two', '1', 'true', '-x', 'http://h:1/p', 'a#b', '"q"', "'s'", '&a x', '*a', '!t x', 'a # c', 'x:', '~'];
const LINE_TEXT = ['b', 'more words', 'c # note', '# comment', '- d', '? e', ': f', 'g: h', 'i:', 'x:y', '[j]', '{k}', '"l"', "'m'", '&n', '*o', '!p', '|', '>', '%q', '@r', '---', '...', 's\tt', '', '  ', 'u  '];
const QUOTED_TEXT = ['a', 'b c', '', '  ', '# h', 'x: y', "''", '\\"', '\\\\', '\\x41', '\\', 'd \\', '\\ ', 'e  ', '\t f', '---', '- g', '\\U0001F600', '\\q'];

const place = fc.constantFrom(...PLACES);
const tail = fc.constantFrom(...TAILS);
const rows = (texts: string[]) => fc.array(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.constantFrom(...texts)), { minLength: 1, maxLength: 4 });
const indentRows = (parent: number, lines: [number, string][]): string => lines.map(([delta, text]) => (text.trim() === '' ? text : `${' '.repeat(Math.max(0, parent + 1 + delta))}${text}`)).join('\n');

const tagged = fc.tuple(place, fc.constantFrom(...TAGS), fc.constantFrom(' ', '  ', '\t'), fc.constantFrom(...TAGGED), fc.boolean(), tail).map(([[head], tag, gap, value, flow, end]) => `${head}${flow ? `[${tag}${gap}${value}]` : `${tag}${gap}${value}`}\n${end}`);
const escaped = fc.tuple(place, fc.array(fc.constantFrom(...ESCAPES), { maxLength: 6 }), tail).map(([[head], parts, end]) => `${head}"${parts.join('')}"\n${end}`);
const plainOverLines = fc.tuple(place, fc.constantFrom(...PLAIN_FIRST), rows(LINE_TEXT), tail).map(([[head, parent], first, lines, end]) => `${head}${first}\n${indentRows(parent, lines)}\n${end}`);
const quotedOverLines = fc
  .tuple(place, fc.constantFrom('"', "'"), fc.constantFrom(...QUOTED_TEXT), rows(QUOTED_TEXT), fc.constantFrom('', ' # c', ' x', '#c', '  ', ','), tail)
  .map(([[head, parent], quote, first, lines, after, end]) => `${head}${quote}${first}\n${indentRows(parent, lines)}${quote}${after}\n${end}`);
// Block scalars only for the CRLF and tab variants (their own generator is in fast-yaml.test.ts).
const blockScalars = fc.tuple(place, fc.constantFrom('|', '|-', '|+', '>', '>-'), rows(['a', 'b c', '', '  ', '# h']), tail).map(([[head, parent], header, lines, end]) => `${head}${header}\n${indentRows(parent + 1, lines.map(([delta, text]) => [Math.max(0, delta), text]))}\n${end}`);
const anyScalarDocument = fc.oneof(tagged, escaped, plainOverLines, quotedOverLines, blockScalars);

describe('fast YAML reader: generated scalar documents agree with the full parser', () => {
  for (const [name, documents, minimum] of [
    ['tags on scalars', tagged, 150],
    ['double-quoted escapes', escaped, 150],
    ['plain scalars over several lines', plainOverLines, 150],
    ['quoted scalars over several lines', quotedOverLines, 150],
  ] as const) {
    it(`${name}, and each with one character changed`, () => {
      resetCounts();
      fc.assert(
        fc.property(documents, fc.nat(), fc.constantFrom(...CHANGES), fc.nat(), fc.boolean(), (text, at, ch, how, change) => {
          agrees(change ? mutate(text, at, ch, how) : text);
        }),
        { numRuns: 2500 },
      );
      expect(counts.answered).toBeGreaterThan(minimum);
      expect(counts.withTree).toBeGreaterThan(minimum / 2);
    });
  }

  it('with CRLF line ends, on all lines or some', () => {
    resetCounts();
    fc.assert(
      fc.property(anyScalarDocument, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.boolean(), (text, which, all) => {
        let n = 0;
        agrees(text.replace(/\n/g, () => (all || which[n++ % which.length] ? '\r\n' : '\n')));
      }),
      { numRuns: 2500 },
    );
    expect(counts.answered).toBeGreaterThan(300);
    expect(counts.withTree).toBeGreaterThan(200);
  });

  it('with tabs in place of spaces, anywhere', () => {
    resetCounts();
    fc.assert(
      fc.property(anyScalarDocument, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.boolean(), (text, picks, separators) => {
        // Half the runs pick among the spaces that separate (after `:` or `-`, before `#`), where a tab may go.
        const spaces = [...text.matchAll(separators ? /(?<=[:-]) | (?=#)/g : / /g)].map((m) => m.index ?? 0);
        let out = text;
        for (const pick of picks) {
          const at = spaces[pick % Math.max(1, spaces.length)];
          if (at !== undefined) out = `${out.slice(0, at)}\t${out.slice(at + 1)}`;
        }
        agrees(out);
      }),
      { numRuns: 2500 },
    );
    expect(counts.answered).toBeGreaterThan(150);
  });
});
