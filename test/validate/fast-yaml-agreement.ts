/**
 * The check every fast-reader property test runs: wherever the fast YAML reader answers,
 * its data, its source tree (range for range) and its findings are the full parser's.
 * `counts` lets a property prove it did not hold vacuously (the reader answered often).
 */
import { parseDocument } from 'yaml';
import { expect } from 'vitest';
import { readSimpleYamlTree, readSimpleYamlWithTree } from '../../src/core/manifest/fast-yaml.js';
import { parseYamlWithPositions } from '../../src/core/manifest/parse-yaml.js';

/** `yaml` with parse-yaml.ts's options, uniqueKeys on: ok when it has no error and no warning. */
export function full(text: string): { ok: boolean; value: unknown } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error', resolveKnownTags: false });
  return { ok: doc.errors.length === 0 && doc.warnings.length === 0, value: doc.toJS({ maxAliasCount: 100 }) };
}

/** How often `agrees` saw the fast reader answer, and answer with a tree. */
export const counts = { answered: 0, withTree: 0 };

export function resetCounts(): void {
  counts.answered = 0;
  counts.withTree = 0;
}

export function agrees(text: string): void {
  const read = readSimpleYamlTree(text);
  const fast = read?.value;
  const withTree = readSimpleYamlWithTree(text);
  if (withTree) {
    // Same data, the same ranges node for node, and the same findings (duplicate keys, unresolved tags) as the full parser.
    counts.withTree++;
    expect(withTree.value, text).toEqual(fast);
    const positioned = parseYamlWithPositions(text);
    expect(withTree.tree, text).toEqual(positioned.tree);
    expect(withTree.issues, text).toEqual(positioned.issues);
  }
  if (read === undefined) return;
  counts.answered++;
  if (read.issues.length > 0) {
    // Duplicate keys or tag warnings: the full parser's path reports the same ones and keeps the same values.
    const positioned = parseYamlWithPositions(text);
    expect(positioned.fatal, text).toBe(false);
    expect(read.issues, text).toEqual(positioned.issues);
    expect(fast, text).toEqual(positioned.value);
    return;
  }
  const reference = full(text);
  expect(reference.ok, text).toBe(true);
  expect(fast, text).toEqual(reference.value);
  // toEqual does not tell -0 from 0: a scalar under `x` is compared by identity too (a collection cannot be).
  const x = (fast as { x?: unknown }).x;
  if (typeof x !== 'object' || x === null) expect(Object.is(x, (reference.value as { x?: unknown }).x), text).toBe(true);
}
