/**
 * What aliases make of a YAML document's data, checked once for every reader. A reader
 * gives all uses of an anchor the same value, so reading stays cheap however often it
 * is used; but everything after it (the schema validator, the rules, sync's JSON) walks
 * the data as a tree, each use in full. A 1 MiB file whose anchor holds 100k keys and
 * is used 99 times (within yaml's alias count) became 10 million values there: 10 s and
 * 2 GB for validate. And an alias inside the node its anchor names makes data that
 * contains itself, which no tree walk ends on.
 */
import { MAX_ALIAS_EXPANSION } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';


export type ExpansionProblem = { kind: 'cycle' | 'expansion'; start: number; end: number };

type Collection = Record<string, unknown> | unknown[];

function isCollection(value: unknown): value is Collection {
  return typeof value === 'object' && value !== null;
}

function childrenOf(value: Collection): unknown[] {
  return Array.isArray(value) ? value : Object.values(value);
}

interface Frame {
  node: Collection;
  children: unknown[];
  next: number;
  size: number;
}

/**
 * The number of values `root` holds as a tree (a shared collection counted at each use)
 * and as it is stored (once), or 'cycle'. Iterative: aliases of anchors that hold
 * aliases can chain collections deeper than the call stack goes.
 */
function measure(root: Collection, sizes: Map<Collection, number>): { tree: number; stored: number } | 'cycle' {
  const open = new Set<Collection>([root]);
  const rootChildren = childrenOf(root);
  let stored = 1 + rootChildren.length;
  const stack: Frame[] = [{ node: root, children: rootChildren, next: 0, size: 1 }];
  for (;;) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next === frame.children.length) {
      stack.pop();
      open.delete(frame.node);
      sizes.set(frame.node, frame.size);
      const parent = stack[stack.length - 1];
      if (!parent) return { tree: frame.size, stored };
      parent.size += frame.size;
      continue;
    }
    const child = frame.children[frame.next++];
    if (!isCollection(child)) {
      frame.size += 1;
      continue;
    }
    if (open.has(child)) return 'cycle';
    const known = sizes.get(child);
    if (known !== undefined) {
      frame.size += known;
      continue;
    }
    open.add(child);
    const children = childrenOf(child);
    stored += children.length;
    stack.push({ node: child, children, next: 0, size: 1 });
  }
}

/**
 * Where to point: the alias (a scalar in the source tree standing for a collection in the
 * data) at which the values added so far, in document order, pass the limit; for a
 * cycle, the first alias that stands for one of its own ancestors. Undefined when the
 * tree does not lead there (keys the data spells otherwise); the caller points at 1:1.
 */
function locate(kind: ExpansionProblem['kind'], root: unknown, tree: SourceNode | undefined, sizes: Map<Collection, number>): SourceNode | undefined {
  let added = 0;
  const open: unknown[] = [];
  const walk = (node: SourceNode | undefined, value: unknown): SourceNode | undefined => {
    if (!node || !isCollection(value)) return undefined;
    if (node.kind === 'scalar') {
      if (kind === 'cycle') return open.includes(value) ? node : undefined;
      added += (sizes.get(value) ?? 1) - 1;
      return added > MAX_ALIAS_EXPANSION ? node : undefined;
    }
    open.push(value);
    let found: SourceNode | undefined;
    if (node.kind === 'seq' && Array.isArray(value)) {
      for (let i = 0; i < node.items.length && !found; i++) found = walk(node.items[i], value[i]);
    } else if (node.kind === 'map' && !Array.isArray(value)) {
      for (let i = 0; i < node.entries.length && !found; i++) {
        const entry = node.entries[i];
        if (entry && Object.prototype.hasOwnProperty.call(value, entry.key)) found = walk(entry.value, value[entry.key]);
      }
    }
    open.pop();
    return found;
  };
  return walk(tree, root);
}

/** A cycle in the data, or more values added by aliases than MAX_ALIAS_EXPANSION: where the alias is. */
export function aliasExpansionProblem(value: unknown, tree: SourceNode | undefined): ExpansionProblem | undefined {
  if (!isCollection(value)) return undefined;
  const sizes = new Map<Collection, number>();
  const measured = measure(value, sizes);
  const kind = measured === 'cycle' ? 'cycle' : measured.tree - measured.stored > MAX_ALIAS_EXPANSION ? 'expansion' : undefined;
  if (!kind) return undefined;
  const at = locate(kind, value, tree, sizes);
  return { kind, start: at?.start ?? 0, end: at?.end ?? 0 };
}
