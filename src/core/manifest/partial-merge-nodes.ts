/**
 * Small operations on source trees for the partial merge (partial-merge.ts): comparing
 * a yaml node with the fast reader's, finding an entry by its key's offset, and putting
 * entries into a long list without one call argument per entry.
 */
import { duplicateKeyIssue, type ParseIssue } from './parse-issue.js';
import type { SourceEntry, SourceNode } from './source-tree.js';

/** Whether two trees have the same kinds, keys and ranges, node for node. */
export function sameTree(a: SourceNode | undefined, b: SourceNode | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind || a.start !== b.start || a.end !== b.end) return false;
  if (a.kind === 'map' && b.kind === 'map') {
    return a.entries.length === b.entries.length && a.entries.every((entry, i) => {
      const other = b.entries[i];
      return other !== undefined && entry.key === other.key && entry.keyStart === other.keyStart && entry.keyEnd === other.keyEnd && sameTree(entry.value, other.value);
    });
  }
  if (a.kind === 'seq' && b.kind === 'seq') return a.items.length === b.items.length && a.items.every((item, i) => sameTree(item, b.items[i]));
  return true;
}

/** Duplicate keys inside a fast-read value (its keys are strings), in document order. */
export function nestedDuplicates(node: SourceNode | undefined, out: ParseIssue[]): void {
  if (!node) return;
  if (node.kind === 'map') {
    const seen = new Set<string>();
    for (const entry of node.entries) {
      if (seen.has(entry.key)) out.push(duplicateKeyIssue(entry.keyStart, entry.keyEnd));
      seen.add(entry.key);
      nestedDuplicates(entry.value, out);
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) nestedDuplicates(item, out);
  }
}

/** The index of the entry whose key starts at `keyStart` (entries in document order), or -1. */
export function indexOfKey(entries: readonly SourceEntry[], keyStart: number): number {
  let low = 0;
  let high = entries.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((entries[mid]?.keyStart ?? 0) < keyStart) low = mid + 1;
    else high = mid;
  }
  return entries[low]?.keyStart === keyStart ? low : -1;
}

/** Whether every entry of `part` has a key where one of `whole`'s has it (both in document order). */
export function containsAll(whole: readonly SourceEntry[], part: readonly SourceEntry[]): boolean {
  let at = 0;
  for (const entry of part) {
    while (at < whole.length && (whole[at]?.keyStart ?? 0) < entry.keyStart) at++;
    if (whole[at]?.keyStart !== entry.keyStart) return false;
  }
  return true;
}

/** `items` into `array` before index `at`, in place; splice(at, 0, ...items) overflows the stack past about 100k items. */
export function insertAt<T>(array: T[], at: number, items: readonly T[]): void {
  const tail = array.slice(at);
  array.length = at;
  for (const item of items) array.push(item);
  for (const item of tail) array.push(item);
}
