/**
 * YAML reader on top of `yaml` (eemeli): parse errors and warnings become issues with
 * offsets, the node ranges become a SourceNode tree, and aliases are expanded with a
 * hard limit. Bracket depth is checked before the parser runs, because its composer is
 * recursive and 100k `[` would exhaust memory instead of failing cleanly.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_FLOW_BRACKETS, MAX_NESTING, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { SourceEntry, SourceNode } from './source-tree.js';

/** Offset where flow brackets nest deeper than the limit, or -1. Quotes and comments are skipped roughly. */
function tooDeepOffset(text: string): number {
  // Compact block sequences (`- - - - a`) nest one level per two characters.
  const compact = new RegExp(`^(?:[ \\t]*-[ \\t]+){${MAX_NESTING + 1}}`, 'm').exec(text);
  if (compact) return compact.index;
  let depth = 0;
  let quote = '';
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (comment) {
      if (ch === '\n') comment = false;
    } else if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      // Only a quote at the start of a scalar opens a string; "it's" in plain text does not.
      const prev = text[i - 1];
      if (prev === undefined || prev === ' ' || prev === '[' || prev === '{' || prev === ',' || prev === ':' || prev === '\n' || prev === '\t') quote = ch;
    } else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      comment = true;
    } else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > MAX_FLOW_BRACKETS) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  return -1;
}

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super('too deep');
  }
}

function range(node: { range?: [number, number, number] | null | undefined }): { start: number; end: number } {
  const r = node.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}

function toTree(node: unknown, depth: number): SourceNode | undefined {
  if (node === null || node === undefined) return undefined;
  const { start, end } = range(node as YamlNode);
  if (depth > MAX_NESTING) throw new TooDeep(start);
  if (isMap(node)) {
    const entries: SourceEntry[] = [];
    for (const pair of node.items) {
      const keyRange = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) || isAlias(pair.key) ? range(pair.key as YamlNode) : { start, end: start };
      entries.push({ key: keyText(pair.key), keyStart: keyRange.start, keyEnd: keyRange.end, value: toTree(pair.value, depth + 1) });
    }
    return { kind: 'map', start, end, entries };
  }
  if (isSeq(node)) {
    return { kind: 'seq', start, end, items: node.items.map((item) => toTree(item, depth + 1) ?? { kind: 'scalar', start, end: start }) };
  }
  return { kind: 'scalar', start, end };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const short = line.length > 200 ? `${line.slice(0, 197)}...` : line;
  return /[.!?]$/.test(short) ? short : `${short}.`;
}

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'Indent YAML with spaces, never tabs.',
  MULTIPLE_DOCS: 'A manifest is one YAML document; remove the extra `---` section.',
  BAD_INDENT: 'Check the indentation: items of one mapping line up in the same column.',
  MISSING_CHAR: 'A quote or bracket is not closed.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a space after ":" and check the indentation.',
};

const MAX_SYNTAX_ISSUES = 20;

export function parseYamlWithPositions(text: string): ParsedSource {
  const issues: ParseIssue[] = [];
  const deep = tooDeepOffset(text);
  if (deep !== -1) {
    issues.push({ start: deep, end: deep + 1, severity: 'error', rule: 'syntax/too-deep', message: 'Values nest deeper than a manifest ever needs.', hint: 'A manifest is a few levels deep; this file is not one.' });
    return { value: undefined, tree: undefined, issues, fatal: true };
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error', resolveKnownTags: false });
  let fatal = false;
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    if (!duplicate) fatal = true;
    if (issues.length >= MAX_SYNTAX_ISSUES) continue;
    const hint = duplicate
      ? 'Keep one of them: readers disagree on which one wins.'
      : YAML_HINTS[error.code] ?? 'Check the YAML syntax at this position: indentation, quotes, a missing ": "?';
    issues.push({
      start: error.pos[0],
      end: error.pos[1],
      severity: 'error',
      rule: duplicate ? 'syntax/duplicate-key' : 'syntax/yaml',
      message: duplicate ? 'Duplicate key: this key appears earlier in the same mapping.' : firstLine(error.message),
      hint,
    });
  }
  for (const warning of doc.warnings) {
    if (issues.length >= MAX_SYNTAX_ISSUES) break;
    const tag = warning.code === 'TAG_RESOLVE_FAILED';
    issues.push({
      start: warning.pos[0],
      end: warning.pos[1],
      severity: 'warning',
      rule: tag ? 'syntax/unknown-tag' : 'syntax/yaml-warning',
      message: tag ? `${firstLine(warning.message)}; the value is read as a plain string.` : firstLine(warning.message),
      hint: tag ? 'Remove the tag: a manifest needs only plain strings, numbers, booleans, lists and mappings.' : 'See the YAML specification, or simplify the value.',
    });
  }
  if (fatal) return { value: undefined, tree: undefined, issues, fatal: true };
  let tree: SourceNode | undefined;
  try {
    tree = toTree(doc.contents, 0);
  } catch (error) {
    if (!(error instanceof TooDeep) && !(error instanceof RangeError)) throw error;
    const at = error instanceof TooDeep ? error.offset : 0;
    issues.push({ start: at, end: at + 1, severity: 'error', rule: 'syntax/too-deep', message: `Nesting deeper than ${MAX_NESTING} levels.`, hint: 'A manifest is a few levels deep; this file is not one.' });
    return { value: undefined, tree: undefined, issues, fatal: true };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError) && !(error instanceof RangeError)) throw error;
    issues.push({
      start: 0,
      end: 0,
      severity: 'error',
      rule: 'syntax/alias-limit',
      message: `Aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of an anchor, or a cycle).`,
      hint: 'Write the values out instead of using anchors and aliases (&name / *name).',
    });
    return { value: undefined, tree, issues, fatal: true };
  }
  return { value, tree, issues, fatal: false };
}
