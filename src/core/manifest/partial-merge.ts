/**
 * The second half of a partial reparse (partial-reparse.ts): when `yaml` reads the text
 * with the left-out ranges without an error, the fast reader's entries for those ranges
 * go back into yaml's tree and data, and the duplicate keys within them and across their
 * edges are added to yaml's, so the result is the full parse's.
 *
 * Declined (undefined) whenever that cannot be exact: an anchor or an alias anywhere
 * (yaml counts alias uses over the whole document), a comment in a range or in the entry
 * kept before it (yaml's ranges around comments), a range of sequence items, a kept entry
 * whose ranges came out otherwise than the fast reader read them, or a key beside a range
 * that reads as one of its keys but may not be the same string (`!!str k`, `"\x6b"`, `.inf`).
 */
import type { PrefixMap } from './fast-yaml.js';
import { duplicateKeyIssue, MAX_SYNTAX_ISSUES, setOwn, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { Blank } from './partial-reparse.js';
import type { SourceEntry, SourceNode } from './source-tree.js';

type MapNode = Extract<SourceNode, { kind: 'map' }>;
type Segment = string | number;

class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

/** `&name` or `*name` where a node may start (not `a&b` in a URL): yaml's alias limit counts the whole document. */
const ANCHOR_OR_ALIAS = /(?:^|[\s,[{])[&*][^\s,[\]{}]/;

/** Where each entry of yaml's tree sits, and the data path of its mapping when that mapping is in the data. */
function mapsOf(root: SourceNode | undefined): Map<number, { node: MapNode; path: Segment[] | undefined }> {
  const out = new Map<number, { node: MapNode; path: Segment[] | undefined }>();
  const visit = (node: SourceNode | undefined, path: Segment[] | undefined): void => {
    if (!node) return;
    if (node.kind === 'map') {
      // An entry whose key comes again later is not in the data (the last one wins).
      const last = new Map<string, number>();
      node.entries.forEach((entry, index) => last.set(entry.key, index));
      node.entries.forEach((entry, index) => {
        out.set(entry.keyStart, { node, path });
        visit(entry.value, path && last.get(entry.key) === index ? [...path, entry.key] : undefined);
      });
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => visit(item, path ? [...path, index] : undefined));
    }
  };
  visit(root, []);
  return out;
}

function sameTree(a: SourceNode | undefined, b: SourceNode | undefined): boolean {
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
function nestedDuplicates(node: SourceNode | undefined, out: ParseIssue[]): void {
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

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const segment of path) value = typeof value === 'object' && value !== null ? (value as Record<Segment, unknown>)[segment] : undefined;
  return value;
}

class Merge {
  /** Entries that came from the fast reader (yaml never saw them). */
  private readonly fast = new Set<SourceEntry>();
  /** The yaml mappings that got entries back. */
  private readonly touched = new Set<MapNode>();
  private fastEntries: Map<number, { map: PrefixMap; index: number }> | undefined;
  /** yaml's mappings by the offsets of their keys (entries added later are the fast reader's, never looked up). */
  private readonly yamlMaps: Map<number, { node: MapNode; path: Segment[] | undefined }>;

  constructor(
    private readonly text: string,
    private readonly parsed: ParsedSource,
    private readonly maps: readonly PrefixMap[],
  ) {
    this.yamlMaps = mapsOf(parsed.tree);
  }

  /** Whether a yaml key written at [start, end) is surely the plain string `key`. */
  private plainString(entry: SourceEntry): boolean {
    const written = this.text.slice(entry.keyStart, entry.keyEnd);
    return written === entry.key || written === `"${entry.key}"` || written === `'${entry.key}'`;
  }

  private fastEntry(keyStart: number): { map: PrefixMap; index: number } | undefined {
    if (!this.fastEntries) {
      this.fastEntries = new Map();
      for (const map of this.maps) map.node.entries.forEach((entry, index) => this.fastEntries?.set(entry.keyStart, { map, index }));
    }
    return this.fastEntries.get(keyStart);
  }

  range(range: Blank): void {
    const text = this.text.slice(range.start, range.end);
    const kept = this.fastEntry(range.firstKey);
    const yamlPlace = this.yamlMaps.get(range.firstKey);
    if (range.kind !== 'key' || text.includes('#') || !kept || !yamlPlace) return decline();
    const node = yamlPlace.node;
    const at = node.entries.findIndex((entry) => entry.keyStart === range.firstKey);
    const first = node.entries[at];
    // The entry before the range: yaml must have read it as the fast reader did, and the one after it must follow.
    const keptEntry = kept.map.node.entries[kept.index];
    if (!first || !keptEntry || first.keyEnd !== keptEntry.keyEnd || node.entries[at + 1]?.keyStart !== range.lastKey || !sameTree(first.value, keptEntry.value)) return decline();
    if (this.text.slice(range.firstKey, range.start).includes('#')) decline();
    const added = kept.map.node.entries.filter((entry, index) => index > kept.index && entry.keyStart < range.end);
    if (added.length === 0 || (added[0]?.keyStart ?? 0) < range.start) return decline();
    node.entries.splice(at + 1, 0, ...added);
    for (const entry of added) this.fast.add(entry);
    this.touched.add(node);
    if (yamlPlace.path) this.mergeValue(node, yamlPlace.path, kept.map.value, new Set(added));
  }

  /**
   * The duplicate keys yaml did not report in a mapping that got entries back: every
   * entry whose key came earlier, less those yaml met among its own entries (it reported
   * those), and those inside the entries put back. In document order once sorted.
   */
  duplicates(): ParseIssue[] {
    const out: ParseIssue[] = [];
    for (const node of this.touched) {
      const fastKeys = new Set(node.entries.filter((entry) => this.fast.has(entry)).map((entry) => entry.key));
      const seen = new Set<string>();
      const yamlSeen = new Set<string>();
      for (const entry of node.entries) {
        const fast = this.fast.has(entry);
        // A yaml key that reads like one put back must be that very string (not `!!str k`, `.inf`...).
        if (!fast && fastKeys.has(entry.key) && !this.plainString(entry)) decline();
        if (seen.has(entry.key) && (fast || !yamlSeen.has(entry.key))) out.push(duplicateKeyIssue(entry.keyStart, entry.keyEnd));
        seen.add(entry.key);
        if (fast) nestedDuplicates(entry.value, out);
        else yamlSeen.add(entry.key);
      }
    }
    return out;
  }

  /** The mapping's data rebuilt in document order: each key where it first came, with its last value. */
  private mergeValue(node: MapNode, path: readonly Segment[], fastValue: Record<string, unknown>, added: ReadonlySet<SourceEntry>): void {
    const target = valueAt(this.parsed.value, path);
    if (typeof target !== 'object' || target === null || Array.isArray(target)) return decline();
    const yamlKeys = new Set(node.entries.filter((entry) => !added.has(entry)).map((entry) => entry.key));
    const own = Object.keys(target);
    // yaml's data must have exactly the keys its entries name (no key stringified otherwise).
    if (own.length !== yamlKeys.size || own.some((key) => !yamlKeys.has(key))) decline();
    const lastOf = new Map<string, SourceEntry>();
    for (const entry of node.entries) lastOf.set(entry.key, entry);
    const merged: Record<string, unknown> = {};
    for (const entry of node.entries) {
      if (Object.prototype.hasOwnProperty.call(merged, entry.key)) continue;
      const last = lastOf.get(entry.key);
      setOwn(merged, entry.key, last && added.has(last) ? fastValue[entry.key] : (target as Record<string, unknown>)[entry.key]);
    }
    if (path.length === 0) {
      this.parsed.value = merged;
      return;
    }
    const parent = valueAt(this.parsed.value, path.slice(0, -1));
    const key = path[path.length - 1] ?? '';
    if (Array.isArray(parent)) parent[Number(key)] = merged;
    else setOwn(parent as Record<string, unknown>, String(key), merged);
  }
}

/**
 * `parsed` is yaml's result for the text with `ranges` left out, without error; `maps`
 * the fast reader's mappings. The full parse's result, or undefined when this cannot be
 * exact (the caller parses the whole text then).
 */
export function mergeLeftOut(text: string, parsed: ParsedSource, ranges: readonly Blank[], maps: readonly PrefixMap[]): ParsedSource | undefined {
  if (parsed.fatal || !parsed.tree || ANCHOR_OR_ALIAS.test(text)) return undefined;
  const merge = new Merge(text, parsed, maps);
  let added: ParseIssue[];
  try {
    for (const range of ranges) merge.range(range);
    added = merge.duplicates();
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
  // The full parse lists warnings first, then every duplicate key in document order, 20 at most.
  const warnings = parsed.issues.filter((issue) => issue.rule !== 'syntax/duplicate-key');
  const duplicates = [...parsed.issues.filter((issue) => issue.rule === 'syntax/duplicate-key'), ...added].sort((a, b) => a.start - b.start);
  return { ...parsed, issues: [...warnings, ...duplicates].slice(0, MAX_SYNTAX_ISSUES) };
}
