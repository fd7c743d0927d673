/**
 * Documents with aliases get their data from yaml-aliases.ts, not yaml's quadratic toJS:
 * the data, and whether the alias limit trips, must be what yaml's toJS gives.
 */
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { valueWithAliases } from '../../src/core/manifest/yaml-aliases.js';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';

type Outcome = { ok: true; value: unknown } | { ok: false };

function viaYaml(text: string): Outcome {
  try {
    return { ok: true, value: parseDocument(text, { uniqueKeys: false, strict: true, logLevel: 'error', resolveKnownTags: false }).toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return { ok: false };
  }
}

let answered = 0;
function agrees(text: string): void {
  const doc = parseDocument(text, { uniqueKeys: false, strict: true, logLevel: 'error', resolveKnownTags: false });
  if (doc.errors.length > 0) return;
  let ours: Outcome | undefined;
  try {
    const read = valueWithAliases(doc.contents, 100);
    ours = read ? { ok: true, value: read.value } : undefined;
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    ours = { ok: false };
  }
  if (ours === undefined) return;
  answered++;
  expect(ours, text).toEqual(viaYaml(text));
}

const names = fc.constantFrom('a', 'b', 'c');
const scalar = fc.constantFrom('1', 'x', '"q"', 'null', '', '__proto__', 'toString');
type Piece = string;
const value: fc.Arbitrary<Piece> = fc.oneof(
  scalar,
  names.map((n) => `*${n}`),
  fc.tuple(names, scalar).map(([n, s]) => `&${n} ${s}`),
  fc.tuple(names, fc.array(fc.oneof(scalar, names.map((n) => `*${n}`)), { maxLength: 3 })).map(([n, items]) => `&${n} [${items.join(', ')}]`),
  fc.tuple(names, fc.array(scalar, { maxLength: 2 })).map(([n, items]) => `&${n} {${items.map((s, i) => `k${i}: ${s}`).join(', ')}}`),
  fc.array(names.map((n) => `*${n}`), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
);
const documents = fc.array(fc.tuple(fc.constantFrom('k', 'l', 'm', 'toString', '__proto__', '1', '<<'), value), { minLength: 1, maxLength: 8 }).map((entries) => entries.map(([k, v], i) => `${k}${i}: ${v}\n`).join(''));

describe('data of documents with aliases', () => {
  it('is what yaml\'s toJS gives, on generated documents', () => {
    answered = 0;
    fc.assert(fc.property(documents, (text) => agrees(text)), { numRuns: 1000 });
    expect(answered).toBeGreaterThan(250);
  });

  it('trips the alias limit exactly where yaml does (100 uses of one anchor)', () => {
    for (const uses of [98, 99, 100, 101]) {
      const text = `a: &x 1\n${Array.from({ length: uses }, (_, i) => `u${i}: *x\n`).join('')}`;
      agrees(text);
      expect(parseYamlWithPositions(text).issues.map((issue) => issue.rule)).toEqual(viaYaml(text).ok ? [] : ['syntax/alias-limit']);
    }
    // An empty collection counts for nothing in yaml's arithmetic: any number of uses.
    agrees(`a: &x []\n${Array.from({ length: 150 }, (_, i) => `u${i}: *x\n`).join('')}`);
  });

  it('an alias before its anchor, or to a redefined anchor, resolves as yaml resolves it', () => {
    for (const text of ['a: *x\nb: &x 1\n', 'a: &x 1\nb: &x 2\nc: *x\n', 'a: &x [1]\nb: *x\nc: &x {k: v}\nd: *x\n']) agrees(text);
    expect(answered).toBeGreaterThan(0);
  });

  it('declines what it does not reproduce (an alias inside an anchored node, a collection key, <<)', () => {
    for (const text of ['a: &x [*y]\n', 'a: &y 1\nb: &x {k: *y}\n', '? [a]\n: *x\n', '<<: *x\n']) {
      const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
      expect(valueWithAliases(doc.contents, 100), text).toBeUndefined();
    }
  });
});
