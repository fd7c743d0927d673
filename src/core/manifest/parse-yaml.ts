/**
 * YAML reader on top of `yaml` (eemeli): parse errors and warnings become issues with
 * offsets, the node ranges become a SourceNode tree, and aliases are expanded with a
 * hard limit. Nesting depth is checked before the parser runs (yaml-depth.ts), because
 * its lexer, parser and composer are recursive.
 *
 * Duplicate keys are found here, with one Map per mapping, not by yaml's `uniqueKeys`:
 * that option compares each key with every earlier one, so a mapping of 20k keys cost
 * 200 million comparisons (quadratic; 13 s for a 152 KiB file).
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { aliasLimitIssue, duplicateKeyIssue, firstLineOf, unknownTagIssue, unresolvedAliasIssue, MAX_ALIAS_COUNT, MAX_NESTING, MAX_SYNTAX_ISSUES, type OnDuplicate, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { SourceEntry, SourceNode } from './source-tree.js';
import { aliasRefProblem } from './yaml-alias-refs.js';
import { AliasLimitError, aliasPastLimit, valueWithAliases } from './yaml-aliases.js';
import { overBudgetIssue, type ParseBudget } from './yaml-budget.js';
import { tooDeepOffset } from './yaml-depth.js';

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

const ABSENT_KEY = Symbol('absent key');

/**
 * yaml's own rule for `uniqueKeys: true`: two keys are the same when both are scalars
 * with the same value (=== on the resolved value: 1 and "1" differ). A Map keyed by
 * that value finds it in one step per key.
 */
function scanDuplicates(seen: Map<unknown, true>, key: unknown, keyStart: number, keyEnd: number, onDuplicate: OnDuplicate): void {
  // Collection and alias keys are never the same node twice; two absent keys are.
  let identity: unknown;
  if (key === null || key === undefined) identity = ABSENT_KEY;
  else if (isScalar(key)) identity = key.value;
  else return;
  if (seen.has(identity)) onDuplicate(keyStart, keyEnd);
  else seen.set(identity, true);
}

interface WalkState {
  onDuplicate: OnDuplicate;
  /** Set when an alias was seen (the data is then built by yaml-aliases.ts). */
  aliases: boolean;
}

function toTree(node: unknown, depth: number, state: WalkState): SourceNode | undefined {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) state.aliases = true;
  const { start, end } = range(node as YamlNode);
  if (depth > MAX_NESTING) throw new TooDeep(start);
  if (isMap(node)) {
    const entries: SourceEntry[] = [];
    const seen = new Map<unknown, true>();
    for (const pair of node.items) {
      const keyRange = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) || isAlias(pair.key) ? range(pair.key as YamlNode) : { start, end: start };
      if (isAlias(pair.key)) state.aliases = true;
      scanDuplicates(seen, pair.key, keyRange.start, keyRange.end, state.onDuplicate);
      entries.push({ key: keyText(pair.key), keyStart: keyRange.start, keyEnd: keyRange.end, value: toTree(pair.value, depth + 1, state) });
    }
    return { kind: 'map', start, end, entries };
  }
  if (isSeq(node)) {
    return { kind: 'seq', start, end, items: node.items.map((item) => toTree(item, depth + 1, state) ?? { kind: 'scalar', start, end: start }) };
  }
  return { kind: 'scalar', start, end };
}

/** The first line of yaml's message, as a sentence. */
function firstLine(message: string): string {
  const short = firstLineOf(message);
  return /[.!?]$/.test(short) ? short : `${short}.`;
}

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'Indent YAML with spaces, never tabs.',
  MULTIPLE_DOCS: 'A manifest is one YAML document; remove the extra `---` section.',
  BAD_INDENT: 'Check the indentation: items of one mapping line up in the same column.',
  MISSING_CHAR: 'A quote or bracket is not closed.',
  BLOCK_AS_IMPLICIT_KEY: 'Put a space after ":" and check the indentation.',
};

const TOO_DEEP_MESSAGE = `Values nest deeper than a manifest ever needs (over ${MAX_NESTING} levels).`;
const TOO_DEEP_HINT = 'A manifest is a few levels deep; this file is not one.';

/**
 * yaml makes an Error object for every syntax error, and capturing its stack was most of
 * the cost of a text where every line is an error (a third of the time for 64 KiB of
 * them); only the message, code and position are used.
 */
function withoutStackTraces<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export interface FullParseOptions {
  /** Where the fast reader stopped reading: the refusal of a text over the parser's budget points there. */
  declinedAt?: number;
  /**
   * Which budget of content characters the parser may be given (default `declined`;
   * yaml-budget.ts). False only for tests that use this parser as the oracle for the fast
   * reader, at any size.
   */
  budget?: ParseBudget | false;
}

export function parseYamlWithPositions(text: string, options: FullParseOptions = {}): ParsedSource {
  const issues: ParseIssue[] = [];
  const deep = tooDeepOffset(text);
  if (deep !== -1) {
    issues.push({ start: deep, end: deep + 1, severity: 'error', rule: 'syntax/too-deep', message: TOO_DEEP_MESSAGE, hint: TOO_DEEP_HINT });
    return { value: undefined, tree: undefined, issues, fatal: true };
  }
  const over = options.budget === false ? undefined : overBudgetIssue(text, options.declinedAt ?? 0, options.budget);
  if (over) return { value: undefined, tree: undefined, issues: [over], fatal: true };
  const doc = withoutStackTraces(() => parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error', resolveKnownTags: false }));
  let fatal = false;
  for (const error of doc.errors) {
    fatal = true;
    if (issues.length >= MAX_SYNTAX_ISSUES) continue;
    // The depth scan should make this impossible; if the parser still runs out of stack, say so plainly.
    if (/call stack/i.test(error.message)) {
      issues.push({ start: error.pos[0], end: error.pos[1], severity: 'error', rule: 'syntax/too-deep', message: TOO_DEEP_MESSAGE, hint: TOO_DEEP_HINT });
      continue;
    }
    issues.push({
      start: error.pos[0],
      end: error.pos[1],
      severity: 'error',
      rule: 'syntax/yaml',
      message: firstLine(error.message),
      hint: YAML_HINTS[error.code] ?? 'Check the YAML syntax at this position: indentation, quotes, a missing ": "?',
    });
  }
  for (const warning of doc.warnings) {
    if (issues.length >= MAX_SYNTAX_ISSUES) break;
    if (warning.code === 'TAG_RESOLVE_FAILED') {
      issues.push(unknownTagIssue(warning.pos[0], warning.pos[1], warning.message));
      continue;
    }
    issues.push({ start: warning.pos[0], end: warning.pos[1], severity: 'warning', rule: 'syntax/yaml-warning', message: firstLine(warning.message), hint: 'See the YAML specification, or simplify the value.' });
  }
  if (fatal) return { value: undefined, tree: undefined, issues, fatal: true };
  let tree: SourceNode | undefined;
  const state: WalkState = {
    onDuplicate: (start, end) => {
      if (issues.length < MAX_SYNTAX_ISSUES) issues.push(duplicateKeyIssue(start, end));
    },
    aliases: false,
  };
  try {
    tree = toTree(doc.contents, 0, state);
  } catch (error) {
    if (!(error instanceof TooDeep) && !(error instanceof RangeError)) throw error;
    const at = error instanceof TooDeep ? error.offset : 0;
    issues.push({ start: at, end: at + 1, severity: 'error', rule: 'syntax/too-deep', message: `Nesting deeper than ${MAX_NESTING} levels.`, hint: 'A manifest is a few levels deep; this file is not one.' });
    return { value: undefined, tree: undefined, issues, fatal: true };
  }
  // Before the data is built: yaml fails on these with no position, or builds data that
  // contains itself. (state.aliases misses an alias inside a collection key; every alias has a `*`.)
  const refs = state.aliases || text.includes('*') ? aliasRefProblem(doc.contents) : undefined;
  if (refs) {
    issues.push(refs.kind === 'cycle' ? aliasLimitIssue('cycle', refs.start, refs.end) : unresolvedAliasIssue(refs.start, refs.end, refs.name));
    return { value: undefined, tree, issues, fatal: true };
  }
  let value: unknown;
  try {
    // yaml's toJS resolves each alias by a scan over all earlier ones: quadratic.
    const aliased = state.aliases ? valueWithAliases(doc.contents, MAX_ALIAS_COUNT) : undefined;
    value = aliased ? aliased.value : doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError) && !(error instanceof RangeError)) throw error;
    // At the alias past the limit; after yaml's own toJS (the shapes valueWithAliases declines), found by counting again.
    const at = error instanceof AliasLimitError ? error : aliasPastLimit(doc.contents, MAX_ALIAS_COUNT);
    issues.push(at ? aliasLimitIssue('uses', at.start, at.end) : aliasLimitIssue());
    return { value: undefined, tree, issues, fatal: true };
  }
  return { value, tree, issues, fatal: false };
}
