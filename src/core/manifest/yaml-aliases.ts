/**
 * The data of a YAML document that uses aliases, without yaml's `toJS`: for each alias,
 * that looks its anchor up by scanning every anchor and alias before it, so a file of
 * 50k `&a`/`*a` pairs took minutes (quadratic). Here one pass in document order records
 * the anchor each alias means (the last one of that name before it, as yaml resolves),
 * and a second pass builds the data.
 *
 * The alias limit is yaml's own arithmetic (an anchored node counts its uses; a use
 * fails once uses x the aliases inside it exceed the limit), which is simple while no
 * anchored node holds an alias. Documents where one does, or with keys that are not
 * scalars, or `<<` keys, are declined (undefined) and the caller uses yaml's `toJS`.
 * Failures throw ReferenceError, as yaml's do; a use past the limit throws AliasLimitError,
 * which says where that alias is (yaml's error does not).
 */
import { isAlias, isMap, isScalar, isSeq, type Alias, type Node as YamlNode } from 'yaml';

class Decline extends Error {}

/** An alias used past the limit, with its range in the text. */
export class AliasLimitError extends ReferenceError {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super('Excessive alias count indicates a resource exhaustion attack');
  }
}

interface AnchorUse {
  count: number;
  aliasCount: number;
  res: unknown;
}

type Anchorable = YamlNode & { anchor?: string };

/** Pass 1: the source of every alias; declines the shapes this module does not reproduce. */
function resolveAliases(root: unknown): Map<Alias, YamlNode | undefined> {
  const sources = new Map<Alias, YamlNode | undefined>();
  const last = new Map<string, YamlNode>();
  const visit = (node: unknown, insideAnchor: boolean): void => {
    if (node === null || node === undefined) return;
    if (isAlias(node)) {
      if (insideAnchor) throw new Decline();
      sources.set(node, last.get(node.source));
      return;
    }
    const anchor = (node as Anchorable).anchor;
    // Registered before the children are visited: yaml's visit order.
    if (anchor) last.set(anchor, node as YamlNode);
    const inside = insideAnchor || Boolean(anchor);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (pair.key !== null && pair.key !== undefined && !isScalar(pair.key)) throw new Decline();
        if (isScalar(pair.key) && (pair.key.value === '<<' || (typeof pair.key.value === 'object' && pair.key.value !== null))) throw new Decline();
        visit(pair.key, inside);
        visit(pair.value, inside);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, inside);
    }
  };
  visit(root, false);
  return sources;
}

/** yaml's getAliasCount for a node with no alias inside: 0 for an empty collection, else 1. */
function aliasFreeCount(node: unknown): number {
  if (isMap(node)) {
    let count = 0;
    for (const pair of node.items) count = Math.max(count, aliasFreeCount(pair.key), aliasFreeCount(pair.value));
    return count;
  }
  if (isSeq(node)) {
    let count = 0;
    for (const item of node.items) count = Math.max(count, aliasFreeCount(item));
    return count;
  }
  return 1;
}

export function valueWithAliases(root: unknown, maxAliasCount: number): { value: unknown } | undefined {
  let sources: Map<Alias, YamlNode | undefined>;
  try {
    sources = resolveAliases(root);
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
  const uses = new Map<YamlNode, AnchorUse>();
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const source = sources.get(node);
      const use = source ? uses.get(source) : undefined;
      if (!use) throw new ReferenceError(`Unresolved alias (the anchor must be set before the alias): ${node.source}`);
      use.count += 1;
      if (use.aliasCount === 0) use.aliasCount = aliasFreeCount(source);
      if (use.count * use.aliasCount > maxAliasCount) throw new AliasLimitError(node.range?.[0] ?? 0, node.range?.[1] ?? 0);
      return use.res;
    }
    let res: unknown;
    if (isMap(node)) {
      const map: Record<string, unknown> = {};
      for (const pair of node.items) {
        const jsKey = isScalar(pair.key) ? pair.key.value : null;
        const key = jsKey === null || jsKey === undefined ? '' : String(jsKey);
        // As yaml's addPairToJSMap: an own property, even for `__proto__` or `toString`.
        Object.defineProperty(map, key, { value: convert(pair.value), writable: true, enumerable: true, configurable: true });
      }
      res = map;
    } else if (isSeq(node)) {
      res = node.items.map(convert);
    } else if (isScalar(node)) {
      res = typeof node.value === 'bigint' ? Number(node.value) : node.value;
    } else {
      throw new Decline();
    }
    if ((node as Anchorable).anchor) uses.set(node as YamlNode, { count: 1, aliasCount: 0, res });
    return res;
  };
  try {
    return { value: convert(root) };
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
}

/**
 * Where yaml's `toJS` stopped on the alias limit, for the shapes valueWithAliases declines
 * (yaml's error says not where): the first alias whose uses of its anchor, times the
 * anchor's weight, pass the limit. Exact while the anchored node holds no alias (the
 * fast reader's shapes, so both paths point at one place); otherwise the weight is
 * approximate, and undefined when no alias passes by this count.
 */
export function aliasPastLimit(root: unknown, maxAliasCount: number): { start: number; end: number } | undefined {
  const last = new Map<string, YamlNode>();
  const uses = new Map<YamlNode, number>();
  let found: { start: number; end: number } | undefined;
  const visit = (node: unknown): void => {
    if (found || node === null || node === undefined) return;
    if (isAlias(node)) {
      const source = last.get(node.source);
      if (!source) return;
      const count = (uses.get(source) ?? 1) + 1;
      uses.set(source, count);
      if (count * aliasFreeCount(source) > maxAliasCount) found = { start: node.range?.[0] ?? 0, end: node.range?.[1] ?? 0 };
      return;
    }
    const anchor = (node as Anchorable).anchor;
    if (anchor) last.set(anchor, node as YamlNode);
    if (isMap(node)) {
      for (const pair of node.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(root);
  return found;
}
