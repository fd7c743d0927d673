/**
 * The second half of a partial reparse (partial-reparse.ts): when `yaml` reads the text
 * with the left-out ranges without an error, the fast reader's entries for those ranges
 * go back into yaml's tree and data, and the duplicate keys within them and across their
 * edges are added to yaml's, so the result is the full parse's.
 *
 * Declined (undefined) whenever that cannot be exact: an anchor or an alias anywhere
 * (yaml counts alias uses over the whole document), a comment in a range or in the entry
 * kept before it (yaml's ranges around comments), a kept entry or item whose ranges came
 * out otherwise than the fast reader read them, or a key beside a range that reads as one
 * of its keys but may not be the same string (`!!str k`, `"\x6b"`, `.inf`).
 *
 * The ranges may lie after a part the fast reader declined (fast-yaml-resume.ts), which
 * yaml reads: there too an entry goes back only beside kept entries yaml read exactly as
 * the fast reader did, in the same block mapping or sequence, so yaml reads what is
 * between them as the fast reader did.
 */
import type { PrefixCollection } from './fast-yaml-reader.js';
import { duplicateKeyIssue, MAX_SYNTAX_ISSUES, setOwn, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { Blank } from './partial-reparse.js';
import type { SourceEntry, SourceNode } from './source-tree.js';
import { containsAll, indexOfKey, insertAt, nestedDuplicates, sameTree } from './partial-merge-nodes.js';

type MapNode = Extract<SourceNode, { kind: 'map' }>;
type SeqNode = Extract<SourceNode, { kind: 'seq' }>;
/** One step of a data path: a key of a mapping, or an index of a sequence as yaml read it (items put back shift it). */
type Step = { container: MapNode; key: string } | { container: SeqNode; index: number };
/** Where a collection is in the data; undefined when it is not (a key that comes again later replaced it). */
type Path = readonly Step[] | undefined;
type FastMap = Extract<PrefixCollection, { kind: 'map' }>;

class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

/** `&name` or `*name` where a node may start (not `a&b` in a URL): yaml's alias limit counts the whole document. */
const ANCHOR_OR_ALIAS = /(?:^|[\s,[{])[&*][^\s,[\]{}]/;

/** yaml's mappings by the offsets of their keys, and its sequence items in document order, each with its data path. */
function placesOf(root: SourceNode | undefined): { maps: Map<number, { node: MapNode; path: Path }>; items: Array<{ start: number; node: SeqNode; index: number; path: Path }> } {
  const maps = new Map<number, { node: MapNode; path: Path }>();
  const items: Array<{ start: number; node: SeqNode; index: number; path: Path }> = [];
  const visit = (node: SourceNode | undefined, path: Path): void => {
    if (!node) return;
    if (node.kind === 'map') {
      // An entry whose key comes again later is not in the data (the last one wins).
      const last = new Map<string, number>();
      node.entries.forEach((entry, index) => last.set(entry.key, index));
      node.entries.forEach((entry, index) => {
        maps.set(entry.keyStart, { node, path });
        visit(entry.value, path && last.get(entry.key) === index ? [...path, { container: node, key: entry.key }] : undefined);
      });
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => {
        items.push({ start: item.start, node, index, path });
        visit(item, path ? [...path, { container: node, index }] : undefined);
      });
    }
  };
  visit(root, []);
  return { maps, items };
}

/** For each of `entries`, the fast mapping it was put back from (undefined: yaml's own); each run is a stretch of them. */
function sourcesOf(entries: readonly SourceEntry[], runs: ReadonlyArray<{ added: readonly SourceEntry[]; from: FastMap }>): Array<FastMap | undefined> {
  const sorted = [...runs].sort((a, b) => (a.added[0]?.keyStart ?? 0) - (b.added[0]?.keyStart ?? 0));
  const sources: Array<FastMap | undefined> = [];
  let run = 0;
  for (const entry of entries) {
    let current = sorted[run];
    while (current && (current.added[current.added.length - 1]?.keyStart ?? 0) < entry.keyStart) current = sorted[++run];
    sources.push(current && (current.added[0]?.keyStart ?? Infinity) <= entry.keyStart ? current.from : undefined);
  }
  return sources;
}

/** A yaml mapping that got entries back: its data path, and each run of entries put back (in document order once sorted). */
interface Touched {
  path: Path;
  runs: Array<{ added: readonly SourceEntry[]; from: FastMap }>;
}

class Merge {
  /** The yaml mappings that got entries back. */
  private readonly touched = new Map<MapNode, Touched>();
  /** The fast reader's mappings by the offsets of their kept keys (keptKeys only: a mapping may hold 100k entries). */
  private fastEntries: Map<number, FastMap> | undefined;
  private fastItems: Map<number, { seq: Extract<PrefixCollection, { kind: 'seq' }>; index: number }> | undefined;
  /** yaml's mappings and items, as it read them (what is added later is the fast reader's, never looked up). */
  private readonly yaml: ReturnType<typeof placesOf>;
  /** Items put back into each yaml sequence: after which of its own items, and how many. */
  private readonly shifts = new Map<SeqNode, Array<{ after: number; count: number }>>();
  /** Duplicate keys inside items put back. */
  private readonly inItems: ParseIssue[] = [];

  constructor(
    private readonly text: string,
    private readonly parsed: ParsedSource,
    private readonly collections: readonly PrefixCollection[],
    /** The keys kept before the ranges of entries (the only fast entries looked up by their key). */
    private readonly keptKeys: ReadonlySet<number>,
  ) {
    this.yaml = placesOf(parsed.tree);
  }

  /** The data at a path, with indices moved past the items put back before them. */
  private valueAt(path: readonly Step[]): unknown {
    let value = this.parsed.value;
    for (const step of path) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = 'key' in step ? (value as Record<string, unknown>)[step.key] : (value as unknown[])[this.shifted(step.container, step.index)];
    }
    return value;
  }

  private shifted(node: SeqNode, index: number): number {
    let out = index;
    for (const shift of this.shifts.get(node) ?? []) if (shift.after < index) out += shift.count;
    return out;
  }

  /** Replaces the data at a path (the root when it is empty). */
  private replace(path: readonly Step[], value: unknown): void {
    const last = path[path.length - 1];
    if (!last) {
      this.parsed.value = value;
      return;
    }
    const parent = this.valueAt(path.slice(0, -1));
    if ('key' in last) setOwn(parent as Record<string, unknown>, last.key, value);
    else (parent as unknown[])[this.shifted(last.container, last.index)] = value;
  }

  /** Whether a yaml key written at [start, end) is surely the plain string `key`. */
  private plainString(entry: SourceEntry): boolean {
    const written = this.text.slice(entry.keyStart, entry.keyEnd);
    return written === entry.key || written === `"${entry.key}"` || written === `'${entry.key}'`;
  }

  /** The fast reader's mapping with an entry whose key starts at `keyStart`, and that entry's index. */
  private fastEntry(keyStart: number): { map: FastMap; index: number } | undefined {
    if (!this.fastEntries) {
      const index = new Map<number, FastMap>();
      for (const map of this.collections) if (map.kind === 'map') for (const entry of map.node.entries) if (this.keptKeys.has(entry.keyStart)) index.set(entry.keyStart, map);
      this.fastEntries = index;
    }
    const map = this.fastEntries.get(keyStart);
    return map ? { map, index: indexOfKey(map.node.entries, keyStart) } : undefined;
  }

  /** The fast reader's item whose value starts at `start` (the outermost one: a nested sequence's first item starts there too). */
  private fastItem(start: number): { seq: Extract<PrefixCollection, { kind: 'seq' }>; index: number } | undefined {
    if (!this.fastItems) {
      this.fastItems = new Map();
      for (const seq of this.collections) {
        if (seq.kind === 'seq') seq.node.items.forEach((item, index) => this.fastItems?.has(item.start) || this.fastItems?.set(item.start, { seq, index }));
      }
    }
    return this.fastItems.get(start);
  }

  range(range: Blank): void {
    if (this.text.slice(range.firstKey, range.end).includes('#')) decline();
    if (range.kind === 'item') this.items(range);
    else this.entries(range);
  }

  /** A range of sequence items: yaml's item with its dash at firstKey is the fast reader's, and the items between go in after it. */
  private items(range: Blank): void {
    const { items } = this.yaml;
    // The first item (in document order, so the outermost) starting after the kept item's dash.
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((items[mid]?.start ?? 0) > range.firstKey) high = mid;
      else low = mid + 1;
    }
    const place = items[low];
    if (!place || place.start >= range.start) return decline();
    const node = place.node;
    // A flow sequence where the fast reader read block items (an unclosed `[` in a declined region before them).
    if (this.text.charCodeAt(node.start) === 91) decline();
    // The kept item's index as yaml read it, and where it is now (after items put back before it: one sequence may have a range on either side of a region).
    const at = place.index;
    const current = this.shifted(node, at);
    const kept = this.fastItem(place.start);
    const next = node.items[current + 1];
    if (node.items[current]?.start !== place.start || !kept || !next || next.start < range.end || !sameTree(node.items[current], kept.seq.node.items[kept.index])) return decline();
    let end = kept.index + 1;
    while ((kept.seq.node.items[end]?.start ?? Infinity) < range.end) end++;
    const added = kept.seq.node.items.slice(kept.index + 1, end);
    if (added.length === 0 || (added[0]?.start ?? 0) < range.start) return decline();
    if (place.path) {
      const data = this.valueAt(place.path);
      if (!Array.isArray(data) || data.length !== node.items.length) return decline();
      insertAt(data, current + 1, kept.seq.value.slice(kept.index + 1, end));
    }
    insertAt(node.items, current + 1, added);
    const shifts = this.shifts.get(node) ?? [];
    shifts.push({ after: at, count: added.length });
    this.shifts.set(node, shifts);
    for (const item of added) nestedDuplicates(item, this.inItems);
  }

  private entries(range: Blank): void {
    const kept = this.fastEntry(range.firstKey);
    const yamlPlace = this.yaml.maps.get(range.firstKey);
    if (!kept || !yamlPlace) return decline();
    const node = yamlPlace.node;
    // A flow mapping where the fast reader read block entries (an unclosed `{` in a declined region before them).
    if (this.text.charCodeAt(node.start) === 123) decline();
    // Entries are in document order (those put back too): a binary search finds the kept one.
    const at = indexOfKey(node.entries, range.firstKey);
    const first = node.entries[at];
    // The entry before the range: yaml must have read it as the fast reader did, and the one after it must follow.
    const keptEntry = kept.map.node.entries[kept.index];
    if (!first || !keptEntry || first.keyEnd !== keptEntry.keyEnd || node.entries[at + 1]?.keyStart !== range.lastKey || !sameTree(first.value, keptEntry.value)) return decline();
    const fastEntries = kept.map.node.entries;
    let end = kept.index + 1;
    while ((fastEntries[end]?.keyStart ?? Infinity) < range.end) end++;
    const added = fastEntries.slice(kept.index + 1, end);
    if (added.length === 0 || (added[0]?.keyStart ?? 0) < range.start) return decline();
    // In now: a later range's kept entry may hold this mapping, and is compared whole with the fast reader's.
    insertAt(node.entries, at + 1, added);
    const touched = this.touched.get(node) ?? { path: yamlPlace.path, runs: [] };
    touched.runs.push({ added, from: kept.map });
    this.touched.set(node, touched);
  }

  /**
   * Every mapping's entries put back, its data rebuilt, and the duplicate keys yaml did not
   * report (see duplicates), once every range is placed.
   */
  finish(): ParseIssue[] {
    const out: ParseIssue[] = [...this.inItems];
    for (const [node, touched] of this.touched) {
      const sources = sourcesOf(node.entries, touched.runs);
      // Every entry of each fast mapping must be one of this mapping's: yaml reads them in one
      // mapping as the fast reader did (and the data of a key's last entry is then the fast reader's).
      for (const map of new Set(touched.runs.map((run) => run.from))) if (!containsAll(node.entries, map.node.entries)) decline();
      const hasDuplicate = this.duplicates(node.entries, sources, out);
      if (touched.path) this.mergeValue(node, touched.path, sources, hasDuplicate);
    }
    return out;
  }

  /**
   * The duplicate keys yaml did not report in a mapping that got entries back, into `out`:
   * every entry whose key came earlier, less those yaml met among its own entries (it
   * reported those), and those inside the entries put back. In document order once
   * sorted. Whether any key is there more than once.
   */
  private duplicates(entries: readonly SourceEntry[], sources: ReadonlyArray<FastMap | undefined>, out: ParseIssue[]): boolean {
    // Per key, bits: 1 seen, 2 seen among yaml's own entries, 4 among those put back (one Map: a mapping may hold 100k).
    const seen = new Map<string, number>();
    const yamlEntries: SourceEntry[] = [];
    let hasDuplicate = false;
    entries.forEach((entry, index) => {
      const fast = sources[index] !== undefined;
      const bits = seen.get(entry.key) ?? 0;
      if ((bits & 1) !== 0) {
        hasDuplicate = true;
        if (fast || (bits & 2) === 0) out.push(duplicateKeyIssue(entry.keyStart, entry.keyEnd));
      }
      seen.set(entry.key, bits | 1 | (fast ? 4 : 2));
      if (fast) nestedDuplicates(entry.value, out);
      else yamlEntries.push(entry);
    });
    // A yaml key that reads like one put back must be that very string (not `!!str k`, `.inf`...).
    for (const entry of yamlEntries) if (((seen.get(entry.key) ?? 0) & 4) !== 0 && !this.plainString(entry)) decline();
    return hasDuplicate;
  }

  /**
   * The mapping's data rebuilt in document order: each key where it first came, with its
   * last value: yaml's, or the fast reader's for an entry put back (its mapping's data
   * holds its last entry's value, and that entry is this one: see finish).
   */
  private mergeValue(node: MapNode, path: readonly Step[], sources: ReadonlyArray<FastMap | undefined>, hasDuplicate: boolean): void {
    const target = this.valueAt(path);
    if (typeof target !== 'object' || target === null || Array.isArray(target)) return decline();
    const yamlKeys = new Set(node.entries.filter((_, index) => sources[index] === undefined).map((entry) => entry.key));
    const own = Object.keys(target);
    // yaml's data must have exactly the keys its entries name (no key stringified otherwise).
    if (own.length !== yamlKeys.size || own.some((key) => !yamlKeys.has(key))) decline();
    const values = target as Record<string, unknown>;
    const merged: Record<string, unknown> = {};
    if (!hasDuplicate) {
      // Each key once (the usual case): no key's place or value to look up.
      node.entries.forEach((entry, index) => setOwn(merged, entry.key, (sources[index]?.value ?? values)[entry.key]));
    } else {
      // Each key's last source; null once the key is in `merged`.
      const lastOf = new Map<string, Record<string, unknown> | null>();
      node.entries.forEach((entry, index) => lastOf.set(entry.key, sources[index]?.value ?? values));
      for (const entry of node.entries) {
        const last = lastOf.get(entry.key);
        if (!last) continue;
        lastOf.set(entry.key, null);
        setOwn(merged, entry.key, (last as Record<string, unknown>)[entry.key]);
      }
    }
    this.replace(path, merged);
  }
}

/**
 * `parsed` is yaml's result for the text with `ranges` left out, without error;
 * `collections` the fast reader's block mappings and sequences. The full parse's result, or undefined when this cannot be
 * exact (the caller parses the whole text then).
 */
export function mergeLeftOut(text: string, parsed: ParsedSource, ranges: readonly Blank[], collections: readonly PrefixCollection[]): ParsedSource | undefined {
  if (parsed.fatal || !parsed.tree || ANCHOR_OR_ALIAS.test(text)) return undefined;
  const merge = new Merge(text, parsed, collections, new Set(ranges.filter((range) => range.kind === 'key').map((range) => range.firstKey)));
  let added: ParseIssue[];
  try {
    for (const range of ranges) merge.range(range);
    added = merge.finish();
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
  // The full parse lists warnings first, then every duplicate key in document order, 20 at most.
  const warnings = parsed.issues.filter((issue) => issue.rule !== 'syntax/duplicate-key');
  const duplicates = [...parsed.issues.filter((issue) => issue.rule === 'syntax/duplicate-key'), ...added].sort((a, b) => a.start - b.start);
  return { ...parsed, issues: [...warnings, ...duplicates].slice(0, MAX_SYNTAX_ISSUES) };
}
