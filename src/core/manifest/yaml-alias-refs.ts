/**
 * What each alias of a parsed YAML document refers to, checked before its data is built:
 * yaml's conversion throws a bare ReferenceError for an alias with no anchor before it,
 * and builds data that contains itself for an alias inside its own anchor (`&a [*a]`).
 * Both are found here with the alias's position.
 */
import { isAlias, visit, type Node as YamlNode } from 'yaml';

export type AliasRefProblem = { kind: 'unresolved' | 'cycle'; start: number; end: number; name: string };

/** The first alias, in document order, that names no earlier anchor or sits inside the node its anchor names. */
export function aliasRefProblem(root: YamlNode | null): AliasRefProblem | undefined {
  if (!root) return undefined;
  // yaml resolves an alias to the last node anchored under its name before it, in this
  // visit's order (a collection before its children, a key before its value).
  const last = new Map<string, unknown>();
  let problem: AliasRefProblem | undefined;
  visit(root, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const source = last.get(node.source);
        const [start, end] = node.range ?? [0, 0];
        if (source === undefined || path.includes(source as never)) {
          problem = { kind: source === undefined ? 'unresolved' : 'cycle', start, end, name: node.source };
          return visit.BREAK;
        }
        return undefined;
      }
      if (node.anchor) last.set(node.anchor, node);
      return undefined;
    },
  });
  return problem;
}
