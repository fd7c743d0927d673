/**
 * A fast path for the YAML manifests are written in: block mappings and sequences,
 * plain, quoted and block scalars (over several lines too), flow collections, explicit
 * keys, tags on scalars, anchors and aliases, comments, CRLF line ends and separating
 * tabs (the files beside this one read each of these).
 *
 * Why: the full YAML parser costs about a millisecond per manifest, most of a
 * 1,000-file `validate` run. This reader is conservative: on anything it does not fully
 * understand (directives, document markers, tabs as indentation, a lone CR, control
 * characters, odd numbers, odd indentation...) it declines, and the caller uses the full
 * parser, or parses only the lines after those it read (partial-reparse.ts). Duplicate
 * keys and unresolved tags are reported as the full parser reports them. It also builds
 * the source tree with the ranges the full parser gives (readSimpleYamlWithTree), so a
 * large plain file with findings is located without the full parser. Property tests
 * check that the value, the tree and the findings agree with `yaml` wherever it answers.
 *
 * This file holds the entry points: which path a text takes (LF or CRLF, one flow
 * mapping, a character left to the full parser) and what is made of where the reader
 * stopped. The text is split into lines in fast-yaml-split.ts (what a line holds:
 * fast-yaml-line.ts), and the lines are read into values in fast-yaml-reader.ts.
 */
import { aliasLimitIssue, duplicateKeyIssue, unknownTagIssue, MAX_ALIAS_COUNT, MAX_SYNTAX_ISSUES, type ParseIssue, type ParsedSource } from './parse-issue.js';
import type { SourceNode } from './source-tree.js';
import { Unsupported, type ReadContext } from './fast-yaml-scalar.js';
import { flowDocumentStart, readFlowDocument } from './fast-yaml-flow-document.js';
import { tooDeepOffset } from './yaml-depth.js';
import { offsetMap, readCrlf } from './fast-yaml-blanks.js';
import { readPastRegions, type Pass, type Region } from './fast-yaml-resume.js';
import { lineStart, type Line, type PrefixLine } from './fast-yaml-line.js';
import { splitLines, type SplitProgress } from './fast-yaml-split.js';
import { Reader, type PrefixCollection, type Read } from './fast-yaml-reader.js';

/**
 * Deeper than this, yaml-depth.ts (which the full parser's path runs first) may refuse
 * the file as too deep; the reader then asks it, and declines what it refuses.
 */
const CHECKED_DEPTH = 40;

/** What the fast reader makes of a text; `tree` only when its ranges match yaml's exactly. */
export interface SimpleRead {
  value: Record<string, unknown>;
  tree: SourceNode | undefined;
  /** Duplicate keys, as the full parser reports them (at most MAX_SYNTAX_ISSUES). */
  issues: ParseIssue[];
}

/** What the fast reader made of a text: the data, or the lines it read before it declined, or the full path's result. */
export type SimpleOrPrefix =
  | { read: SimpleRead; prefix?: undefined; regions?: undefined; parsed?: undefined }
  /**
   * `collections`: the block collections among those lines, for a partial reparse to merge back.
   * `regions`: the parts it declined (the full parser reads those), when it read lines after them
   * too (fast-yaml-resume.ts), in document order; `prefix` then holds the lines before and after them.
   */
  | { read?: undefined; prefix: readonly PrefixLine[]; collections?: readonly PrefixCollection[]; regions?: readonly Region[]; stop?: Stop; parsed?: undefined }
  /** A document read whole that the full path fails on all the same (aliases past the limit): its result. */
  | { read?: undefined; prefix?: undefined; regions?: undefined; parsed: ParsedSource };

// Control characters, BOMs and Unicode line breaks: left to the full parser (CRLF line
// ends are read as LF, fast-yaml-blanks.ts). Unicode spaces too: trim() and \s treat them
// as blanks, YAML does not.
const NOT_READ = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** Duplicate keys go to `issues`, yaml's warnings (unresolved tags) to `warnings`. */
function readContext(issues: ParseIssue[], warnings: ParseIssue[] = []): ReadContext {
  return {
    onDuplicate: (start, end) => {
      if (issues.length < MAX_SYNTAX_ISSUES) issues.push(duplicateKeyIssue(start, end));
    },
    onTag: (start, end, message) => {
      if (warnings.length < MAX_SYNTAX_ISSUES) warnings.push(unknownTagIssue(start, end, message));
    },
    anchors: new Map(),
    maxAliasUses: MAX_ALIAS_COUNT,
    aliasUses: 0,
    aliasLimitAt: undefined,
  };
}

/** Where the reader stopped: the start of the first line it did not read whole, and the end of the line it failed on. */
export interface Stop {
  from: number;
  to: number;
}

type Prefix = { prefix: readonly PrefixLine[]; collections: readonly PrefixCollection[]; stop?: Stop };


/** The stop of a reader that read `prefix` of `lines` whole and failed on the line at [failStart, failEnd). */
function stopAfter(lines: readonly Line[], prefix: readonly PrefixLine[], failStart: number, failEnd: number): Stop {
  const next = lines[prefix.length];
  return { from: next ? Math.min(lineStart(next), failStart) : failStart, to: failEnd };
}

/**
 * The root mapping of `lines`, with the reader that read them all; or, when it stops
 * before their end or declines, the lines it read whole, in order: up to the line it
 * declines (a line whose reading failed, and the line before it, which may have been
 * read only because of what follows, are not among them), and before any it warned about.
 */
function readRoot(lines: Line[], ctx: ReadContext, warnings: readonly ParseIssue[]): { reader: Reader; result: Read } | Prefix {
  const first = lines[0];
  if (!first || first.indent !== 0 || first.kind !== 'key') return { prefix: [], collections: [], ...(first ? { stop: { from: lineStart(first), to: first.end } } : {}) };
  const reader = new Reader(lines, ctx);
  try {
    const result = reader.mapping(0, 0, undefined);
    if (reader.index === lines.length) return { reader, result };
    const prefix = beforeWarning(lines.slice(0, reader.index), warnings);
    const failed = lines[reader.index] as Line;
    return { prefix, collections: reader.collections, stop: stopAfter(lines, prefix, lineStart(failed), failed.end) };
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    const prefix = beforeWarning(lines.slice(0, Math.max(0, reader.index - 1)), warnings);
    // It failed on the line it was reading, or on the one it looked at next.
    const failed = ((reader.declinedNext ? lines[reader.index] : undefined) ?? lines[reader.index - 1] ?? first) as Line;
    return { prefix, collections: reader.collections, stop: stopAfter(lines, prefix, lineStart(failed), failed.end) };
  }
}

/**
 * The lines of `lines` the reader reads whole (the lines before a line it could not split,
 * or one it leaves to the full parser, which starts at `failStart` in `text`).
 */
function readWhole(text: string, lines: Line[], ctx: ReadContext, warnings: readonly ParseIssue[], failStart: number): Prefix {
  const root = readRoot(lines, ctx, warnings);
  if (!('reader' in root) && root.stop) return root;
  const prefix = 'reader' in root ? beforeWarning(lines, warnings) : root.prefix;
  const collections = 'reader' in root ? root.reader.collections : root.collections;
  const failEnd = text.indexOf('\n', failStart);
  return { prefix, collections, stop: stopAfter(lines, prefix, failStart, failEnd === -1 ? text.length : failEnd + 1) };
}

/** The findings in the full parser's order: yaml's warnings (unresolved tags) first, then duplicate keys. */
function allIssues(duplicates: ParseIssue[], warnings: ParseIssue[]): ParseIssue[] {
  return warnings.length === 0 ? duplicates : [...warnings, ...duplicates].slice(0, MAX_SYNTAX_ISSUES);
}

/** A document read whole: what the full path would make of it. */
function completed(text: string, ctx: ReadContext, read: SimpleRead, deep: boolean): SimpleOrPrefix {
  // The full parser's path refuses what its depth scan calls too deep, and that scan
  // over-counts on purpose (brackets in plain text); ask it whenever it might.
  if ((deep || text.includes('[') || text.includes('{')) && tooDeepOffset(text) !== -1) return { prefix: [] };
  // The full parser reads it, lists the duplicate keys, then fails on an alias: the same findings.
  if (ctx.aliasLimitAt) return { parsed: { value: undefined, tree: undefined, issues: [...read.issues, aliasLimitIssue('uses', ctx.aliasLimitAt.start, ctx.aliasLimitAt.end)], fatal: true } };
  return { read };
}

/** A document that is one flow mapping (fast-yaml-flow-document.ts). */
function flowDocument(text: string, at: number, ctx: ReadContext, duplicates: ParseIssue[], warnings: ParseIssue[]): SimpleOrPrefix {
  try {
    const doc = readFlowDocument(text, at, ctx);
    return completed(text, ctx, { value: doc.value, tree: doc.node, issues: allIssues(duplicates, warnings) }, false);
  } catch (error) {
    if (error instanceof Unsupported) return { prefix: [] };
    throw error;
  }
}

/**
 * The prefix up to the line before the first one yaml warns about (an unresolved tag): the
 * partial reparse leaves read lines out, and a warning there would be lost.
 */
function beforeWarning(prefix: readonly PrefixLine[], warnings: readonly ParseIssue[]): readonly PrefixLine[] {
  const first = warnings[0];
  if (!first) return prefix;
  let end = 0;
  while (end < prefix.length && (prefix[end]?.keyStart ?? 0) < first.start) end++;
  return prefix.slice(0, Math.max(0, end - 1));
}

/**
 * The data when the text is plain enough to read fast; otherwise the lines read before
 * the reader declined, so that the full parser need not read them again.
 */
export function readSimpleYamlOrPrefix(text: string): SimpleOrPrefix {
  if (!text.includes('\r')) {
    const first = readLf(text);
    // Declined part way: the lines after the part it declined are read too, when they can be.
    return first.out.prefix && first.out.stop ? readPastRegions(text, first.out, readLf) : first.out;
  }
  // CRLF line ends: read as LF, offsets moved back onto the text.
  let prefix: readonly PrefixLine[] = [];
  const read = readCrlf(text, (lf) => {
    const out = readLf(lf).out;
    prefix = out.prefix ?? [];
    return out.read;
  });
  if (read) return { read };
  // The lines read before it declined, moved onto the text too; not its mappings (their
  // trees are the LF text's), so a partial reparse uses only a parse that fails.
  if (prefix.length === 0) return { prefix: [] };
  const move = offsetMap(text);
  return { prefix: prefix.map((line) => ({ indent: line.indent, kind: line.kind, keyStart: move(line.keyStart), ...(line.questionAt === undefined ? {} : { questionAt: move(line.questionAt) }) })) };
}

/**
 * readSimpleYamlOrPrefix for a text with LF line ends only, without reading past a part
 * it declines; and for a text it reads whole, the lines and collections it read. One
 * pass of readPastRegions (exported for its tests, which count them).
 */
export function readLf(text: string): Pass {
  const whole: { lines?: Prefix } = {};
  const out = readLfInto(text, whole);
  return whole.lines && out.read ? { out, whole: whole.lines } : { out };
}

function readLfInto(text: string, whole: { lines?: Prefix }): SimpleOrPrefix {
  const bad = text.search(NOT_READ);
  const duplicates: ParseIssue[] = [];
  const warnings: ParseIssue[] = [];
  const ctx = readContext(duplicates, warnings);
  const flowAt = bad === -1 ? flowDocumentStart(text) : -1;
  if (flowAt !== -1) return flowDocument(text, flowAt, ctx, duplicates, warnings);
  // Where the first line with a character it leaves to the full parser starts.
  const badLine = bad === -1 ? -1 : text.lastIndexOf('\n', bad) + 1;
  const progress: SplitProgress = { lines: [], lineStart: 0 };
  let split: { lines: Line[]; indentedComment: boolean };
  try {
    // Up to the line with a character it leaves to the full parser: the lines before it still count.
    split = splitLines(bad === -1 ? text : text.slice(0, badLine), progress);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return readWhole(text, progress.lines.filter((line) => line.keyStart < progress.lineStart), ctx, warnings, progress.lineStart);
  }
  const lines = split.lines;
  if (bad !== -1) return readWhole(text, lines, ctx, warnings, badLine);
  const root = readRoot(lines, ctx, warnings);
  if (!('reader' in root)) return root;
  const { reader, result } = root;
  whole.lines = { prefix: beforeWarning(lines, warnings), collections: reader.collections };
  const tree = split.indentedComment || reader.commentAfterAbsent ? undefined : result.node;
  return completed(text, ctx, { value: result.value as Record<string, unknown>, tree, issues: allIssues(duplicates, warnings) }, reader.deepest > CHECKED_DEPTH);
}

/**
 * The data when the text is plain enough to read fast (otherwise undefined), and the
 * source tree with the ranges the full parser gives, so a large plain file with findings
 * is located without the full parser. No tree when an indented comment line is present:
 * yaml extends ranges around those, and this reader does not reproduce that.
 */
export function readSimpleYamlTree(text: string): SimpleRead | undefined {
  return readSimpleYamlOrPrefix(text).read;
}

/** The manifest's data when the text is plain enough to read fast; otherwise undefined. */
export function readSimpleYaml(text: string): Record<string, unknown> | undefined {
  return readSimpleYamlTree(text)?.value;
}

/** readSimpleYamlTree as a ParsedSource, when it has a tree. */
export function readSimpleYamlWithTree(text: string): ParsedSource | undefined {
  const read = readSimpleYamlTree(text);
  return read?.tree ? { value: read.value, tree: read.tree, issues: read.issues, fatal: false } : undefined;
}
