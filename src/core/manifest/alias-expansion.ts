/**
 * What aliases make of a YAML document's data, checked once for every reader. A reader
 * gives all uses of an anchor the same value; everything after it (the schema validator,
 * the rules, sync's JSON) walks the data as a tree. An alias inside the node its anchor
 * names (`&a [*a]`) makes data that contains itself, which no tree walk ends on: sync
 * failed with "Converting circular structure to JSON".
 */
import type { SourceNode } from './source-tree.js';

export type ExpansionProblem = { kind: 'cycle'; start: number; end: number };

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
}

/**
 * Whether `root` contains itself, each collection looked at once. Iterative: aliases of
 * anchors that hold aliases can chain collections deeper than the call stack goes.
 */
function hasCycle(root: Collection): boolean {
  const open = new Set<Collection>([root]);
  const done = new Set<Collection>();
  const stack: Frame[] = [{ node: root, children: childrenOf(root), next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next === frame.children.length) {
      stack.pop();
      open.delete(frame.node);
      done.add(frame.node);
      continue;
    }
    const child = frame.children[frame.next++];
    if (!isCollection(child) || done.has(child)) continue;
    if (open.has(child)) return true;
    open.add(child);
    stack.push({ node: child, children: childrenOf(child), next: 0 });
  }
  return false;
}

/**
 * Where to point: the first alias (a scalar in the source tree standing for a collection
 * in the data) that stands for one of its own ancestors. Undefined when the tree does not
 * lead there (keys the data spells otherwise); the caller points at 1:1.
 */
function locate(root: unknown, tree: SourceNode | undefined): SourceNode | undefined {
  const open: unknown[] = [];
  const walk = (node: SourceNode | undefined, value: unknown): SourceNode | undefined => {
    if (!node || !isCollection(value)) return undefined;
    if (node.kind === 'scalar') return open.includes(value) ? node : undefined;
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

/** A cycle in the data: where the alias is. */
export function aliasExpansionProblem(value: unknown, tree: SourceNode | undefined): ExpansionProblem | undefined {
  if (!isCollection(value) || !hasCycle(value)) return undefined;
  const at = locate(value, tree);
  return { kind: 'cycle', start: at?.start ?? 0, end: at?.end ?? 0 };
}
