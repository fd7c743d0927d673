import type { SourceNode } from './source-tree.js';

/** Limits that keep hostile input cheap: nesting beyond these is a finding, not a crash. */
export const MAX_NESTING = 100;
/** Aliases expanded at most this often (billion-laughs documents stop here). */
export const MAX_ALIAS_COUNT = 100;
/**
 * Values aliases may add (checked in alias-expansion.ts) to a document, in all (an alias counts as one value; it adds
 * what its anchored value holds, less that one). A real manifest has a few hundred
 * values; the largest plain manifest of 1 MiB (`- a` lines) has about 260k, and the
 * readers and the schema handle that within the time the docs promise. Adding at most
 * 100k keeps any document's data within what a plain file of the size limit may hold
 * anyway, far above any real use of anchors (a shared block of settings, used a few
 * times).
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** Syntax findings listed per file; a file of 100k duplicate keys needs no 100k findings to be fixed. */
export const MAX_SYNTAX_ISSUES = 20;

/** A problem found while reading the text, before any schema or rule runs. */
export interface ParseIssue {
  start: number;
  end: number;
  severity: 'error' | 'warning';
  rule: string;
  message: string;
  hint?: string;
  /** Set when the finding may be wrong for a text with lines left out (an alias whose anchor is there): a partial reparse does not stand on it. */
  needsWholeText?: true;
}

export interface ParsedSource {
  /** The data, plain objects/arrays/scalars; undefined when parsing failed. */
  value: unknown;
  tree: SourceNode | undefined;
  issues: ParseIssue[];
  /** True when the text could not be turned into data at all (syntax errors). */
  fatal: boolean;
}

/** Sets a key without invoking the `__proto__` setter, so parsed data stays plain. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment for every other key: defineProperty per key cost 10% of a 100k-key file.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Where a reader reports a key repeated in a mapping (each reader builds duplicateKeyIssue from it, in document order). */
export type OnDuplicate = (keyStart: number, keyEnd: number) => void;

/** The first line of a parser's message, cut at 200 characters (yaml's messages quote the source after it). */
export function firstLineOf(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** A key repeated in one mapping (the same finding from the full parser and the fast reader). */
export function duplicateKeyIssue(start: number, end: number): ParseIssue {
  return { start, end, severity: 'error', rule: 'syntax/duplicate-key', message: 'Duplicate key: this key appears earlier in the same mapping.', hint: 'Keep one of them: readers disagree on which one wins.' };
}

/** Why aliases are refused: an anchor used too often (yaml's count), an alias inside its own anchor, or too much data in all (alias-expansion.ts). */
/**
 * 100000 -> "100,000". Not toLocaleString: its first call loads ICU's number data, 10-14 ms
 * at start-up on every run for a message that is almost never shown.
 */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export type AliasLimitCause = 'uses' | 'cycle' | 'expansion';

const ALIAS_LIMIT_MESSAGES: Record<AliasLimitCause, string> = {
  uses: `Aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of an anchor).`,
  cycle: 'This alias is inside the value its anchor names: the data would contain itself.',
  expansion: `Aliases expand too much (more than ${groupThousands(MAX_ALIAS_EXPANSION)} values added in all).`,
};

/** Aliases past a limit (a "billion laughs" document, a cycle): the same finding from both readers, at the alias when it is known. */
export function aliasLimitIssue(cause: AliasLimitCause = 'uses', start = 0, end = start): ParseIssue {
  return {
    start,
    end,
    severity: 'error',
    rule: 'syntax/alias-limit',
    message: ALIAS_LIMIT_MESSAGES[cause],
    hint: 'Write the values out instead of using anchors and aliases (&name / *name).',
  };
}

/** An alias with no anchor of its name before it (yaml resolves only backwards). The name is quoted only when it is a short plain word. */
export function unresolvedAliasIssue(start: number, end: number, name: string): ParseIssue {
  const shown = /^[A-Za-z0-9_-]{1,40}$/.test(name) ? `The alias *${name}` : 'This alias';
  return {
    start,
    end,
    severity: 'error',
    rule: 'syntax/yaml',
    message: `${shown} names no anchor defined above it.`,
    hint: 'Define the anchor (&name) before the first alias (*name) that uses it, or write the value out.',
    needsWholeText: true,
  };
}

/**
 * A tag yaml could not resolve the value by (`!mine`, `!!int x`): the value is read as a
 * string. `message` is yaml's ("Unresolved tag: !mine"); the same finding from both readers.
 */
export function unknownTagIssue(start: number, end: number, message: string): ParseIssue {
  const short = firstLineOf(message);
  return {
    start,
    end,
    severity: 'warning',
    rule: 'syntax/unknown-tag',
    message: `${short.replace(/[.!?]$/, '')}; the value is read as a plain string.`,
    hint: 'Remove the tag: a manifest needs only plain strings, numbers, booleans, lists and mappings.',
  };
}
