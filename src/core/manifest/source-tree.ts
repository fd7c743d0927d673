/**
 * A parser-neutral tree of where each value sits in the source text. Both the YAML and
 * the JSON readers produce it, so rules and schema findings can point at `line:column`
 * without knowing which syntax the manifest was written in.
 */

export type SourceNode =
  | { kind: 'map'; start: number; end: number; entries: SourceEntry[] }
  | { kind: 'seq'; start: number; end: number; items: SourceNode[] }
  | { kind: 'scalar'; start: number; end: number };

export interface SourceEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: SourceNode | undefined;
}

export interface Position {
  line: number;
  column: number;
}

/** Offsets -> 1-based line and column (columns count UTF-16 units, as editors do). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }
}

export interface Located {
  start: number;
  end: number;
}

type MapNode = Extract<SourceNode, { kind: 'map' }>;

/** A mapping's key -> entry index, built as far as lookups have needed. */
interface EntryIndex {
  byKey: Map<string, SourceEntry>;
  /** Entries indexed so far, from the first. */
  scanned: number;
}
const indexes = new WeakMap<MapNode, EntryIndex>();

/**
 * The entry of a mapping under `key`, through an index built once per mapping: a finding
 * per key of a 20k-key mapping must not scan the mapping each time (that was quadratic).
 * The last duplicate wins, as in the parsed data, so the index is completed before it
 * answers, unless the caller knows the keys are unique (`uniqueKeys`): then the index is
 * built only as far as the key, and locating the first 100 findings of a 100k-key
 * mapping indexes 100 entries, not 100k. Either way each entry is indexed once.
 */
export function entryOf(node: MapNode, key: string, uniqueKeys = false): SourceEntry | undefined {
  let index = indexes.get(node);
  if (!index) indexes.set(node, (index = { byKey: new Map(), scanned: 0 }));
  const { byKey } = index;
  const entries = node.entries;
  if (uniqueKeys) {
    const known = byKey.get(key);
    if (known) return known;
  }
  while (index.scanned < entries.length) {
    const entry = entries[index.scanned++] as SourceEntry;
    byKey.set(entry.key, entry);
    if (uniqueKeys && entry.key === key) return entry;
  }
  return byKey.get(key);
}

/**
 * Where a JSON-pointer-like path points. `at: 'key'` prefers the key of the last
 * segment (unknown keys, duplicate names); `at: 'value'` the value. When the path goes
 * further than the tree (a missing key), the deepest existing node is returned.
 * `uniqueKeys`: no mapping of the tree repeats a key (see entryOf).
 */
export function locate(root: SourceNode | undefined, path: readonly (string | number)[], at: 'key' | 'value' = 'value', uniqueKeys = false): Located {
  if (!root) return { start: 0, end: 0 };
  let node: SourceNode = root;
  let best: Located = { start: root.start, end: root.end };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (node.kind === 'map') {
      const entry = entryOf(node, String(segment), uniqueKeys);
      if (!entry) return best;
      if (last && at === 'key') return { start: entry.keyStart, end: entry.keyEnd };
      if (!entry.value) return { start: entry.keyStart, end: entry.keyEnd };
      node = entry.value;
    } else if (node.kind === 'seq') {
      const item = node.items[Number(segment)];
      if (!item) return best;
      node = item;
    } else {
      return best;
    }
    best = { start: node.start, end: node.end };
  }
  return best;
}

/** Parses an ajv `instancePath` (`/metadata/config_schema/0/type`) into segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  // Most pointers have no escapes; 100k findings made the two replaces per part a cost.
  if (!pointer.includes('~')) return pointer.slice(1).split('/');
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}
