/**
 * Applies the safe fixes that `validate` attaches to its findings (Diagnostic.fix) to a
 * YAML or JSON manifest text, as splices of the text: each fix replaces only the key or
 * scalar it is about (or adds one line), so everything else stays byte for byte as the
 * author wrote it: comments, flow sequences and mappings, indentation, spacing, quoting.
 * (Printing a parsed document back reformatted all of that.) The positions come from the
 * source tree the check built while finding the problems: nothing is parsed again here.
 */
import type { Diagnostic, ManifestFix } from '../manifest/types.js';
import { entryOf, type SourceEntry, type SourceNode } from '../manifest/source-tree.js';
import { isReplaceableScalar, scalarText, stringText } from './scalar-text.js';

export interface AppliedFix {
  fix: ManifestFix;
  /** Where the finding was, for the printed summary; undefined for a key that was added. */
  line: number | undefined;
  /** What was done, in words: `renamed "versoin" to "version"`. */
  summary: string;
}

export interface FixResult {
  text: string;
  applied: AppliedFix[];
  /** Fixes not made, with why (e.g. the target key exists already). */
  skipped: Array<{ fix: ManifestFix; line: number; reason: string }>;
}

/** The manifest as the check read it: decoded text (no BOM), and where each value sits. */
export interface FixSource {
  text: string;
  bom: boolean;
  tree: SourceNode | undefined;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

type MapNode = Extract<SourceNode, { kind: 'map' }>;

function describePath(path: ReadonlyArray<string | number>): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment)).join('.').replace(/\.\[/g, '[');
}

function summaryOf(fix: ManifestFix): string {
  const parent = fix.path.slice(0, -1);
  if (fix.kind === 'rename-key') {
    return `renamed "${String(fix.path[fix.path.length - 1])}" to "${fix.to}"${parent.length > 0 ? ` in ${describePath(parent)}` : ''}`;
  }
  // An env value may be a secret: say which one was quoted, never what it is.
  if (fix.kind === 'quote') return `quoted ${describePath(fix.path)} (environment values are strings)`;
  // Values are never echoed in full elsewhere; these two are not secrets (auto_start, endpoint).
  return fix.path.join('.') === 'endpoint' ? 'removed the trailing "/" from endpoint' : `set ${describePath(fix.path)}: ${JSON.stringify(fix.value)}`;
}

/** Fixes of the diagnostics, in file order, each once. */
export function fixesOf(diagnostics: readonly Diagnostic[]): Array<{ fix: ManifestFix; line: number }> {
  const seen = new Set<string>();
  const out: Array<{ fix: ManifestFix; line: number }> = [];
  for (const diagnostic of diagnostics) {
    if (!diagnostic.fix) continue;
    const key = JSON.stringify(diagnostic.fix);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ fix: diagnostic.fix, line: diagnostic.line });
  }
  return out;
}

function nodeAt(root: SourceNode | undefined, path: ReadonlyArray<string | number>): SourceNode | undefined {
  let node = root;
  for (const segment of path) {
    if (node?.kind === 'map') node = entryOf(node, String(segment))?.value;
    else if (node?.kind === 'seq') node = node.items[Number(segment)];
    else return undefined;
  }
  return node;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function entryEnd(entry: SourceEntry): number {
  return entry.value ? entry.value.end : entry.keyEnd;
}

/** A new `key: value` in a mapping: a line of its own in block style, `, key: value` in flow style and JSON. */
function insertion(text: string, map: MapNode, key: string, value: string, json: boolean): Splice {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const last = map.entries[map.entries.length - 1];
  // Quoted as its neighbour is: a plugin.yaml written as JSON stays JSON.
  const keyText = stringText(key, last ? text.slice(last.keyStart, last.keyEnd) : '', json);
  if (text[map.start] === '{') {
    if (!last) return { start: map.start + 1, end: map.start + 1, text: json ? `${keyText}: ${value}` : ` ${keyText}: ${value} ` };
    const at = entryEnd(last);
    const multiline = text.slice(map.start, map.end).includes('\n');
    const indent = text.slice(lineStart(text, last.keyStart), last.keyStart);
    return { start: at, end: at, text: multiline && /^\s*$/.test(indent) ? `,${newline}${indent}${keyText}: ${value}` : `, ${keyText}: ${value}` };
  }
  const first = map.entries[0];
  const indent = first ? ' '.repeat(first.keyStart - lineStart(text, first.keyStart)) : '';
  // After the line the last entry ends on (its trailing comment stays with it).
  const end = last ? entryEnd(last) : map.end;
  const lineEnd = end > 0 && text[end - 1] === '\n' ? end : text.indexOf('\n', end);
  if (lineEnd === -1) return { start: text.length, end: text.length, text: `${newline}${indent}${keyText}: ${value}${newline}` };
  const at = text[end - 1] === '\n' ? end : lineEnd + 1;
  return { start: at, end: at, text: `${indent}${keyText}: ${value}${newline}` };
}

/** The splice for one fix, or why it is not made. */
function spliceFor(source: FixSource, json: boolean, fix: ManifestFix): Splice | string {
  const { text } = source;
  const parent = nodeAt(source.tree, fix.path.slice(0, -1));
  const last = fix.path[fix.path.length - 1];
  if (parent?.kind !== 'map' || last === undefined) return 'the place it points at is not a mapping';
  const entry = entryOf(parent, String(last));
  if (fix.kind === 'rename-key') {
    if (entryOf(parent, fix.to)) return `"${fix.to}" is there already; keep one of the two by hand`;
    if (!entry) return 'the key was not found';
    const original = text.slice(entry.keyStart, entry.keyEnd);
    if (!isReplaceableScalar(original)) return 'the key is written in a form sync does not rewrite; rename it by hand';
    return { start: entry.keyStart, end: entry.keyEnd, text: stringText(fix.to, original, json) };
  }
  if (fix.kind === 'quote') {
    const node = entry?.value;
    if (node?.kind !== 'scalar') return 'the value there is not a single value; quote it by hand';
    const original = text.slice(node.start, node.end);
    // Only a plain number or boolean: its text is the string the author meant.
    if (!/^[A-Za-z0-9_.+-]+$/.test(original)) return 'the value is written in a form sync does not rewrite; quote it by hand';
    return { start: node.start, end: node.end, text: JSON.stringify(original) };
  }
  if (!entry) return insertion(text, parent, String(last), scalarText(fix.value, '', json), json);
  const node = entry.value;
  if (node?.kind !== 'scalar') return 'the value there is not a single value; change it by hand';
  const original = text.slice(node.start, node.end);
  if (!isReplaceableScalar(original)) return 'the value is written in a form sync does not rewrite; change it by hand';
  return { start: node.start, end: node.end, text: scalarText(fix.value, original, json) };
}

export function applyFixes(source: FixSource, json: boolean, fixes: ReadonlyArray<{ fix: ManifestFix; line: number }>): FixResult {
  const original = `${source.bom ? '\uFEFF' : ''}${source.text}`;
  const applied: AppliedFix[] = [];
  const skipped: FixResult['skipped'] = [];
  const splices: Array<Splice & { order: number }> = [];
  for (const { fix, line } of fixes) {
    const splice = spliceFor(source, json, fix);
    if (typeof splice === 'string') {
      skipped.push({ fix, line, reason: splice });
      continue;
    }
    // Two fixes of the same text would undo each other; the first one wins.
    if (splices.some((other) => splice.start < other.end && other.start < splice.end)) {
      skipped.push({ fix, line, reason: 'another fix changes the same text; run sync again' });
      continue;
    }
    splices.push({ ...splice, order: splices.length });
    applied.push({ fix, line: splice.start === splice.end ? undefined : line, summary: summaryOf(fix) });
  }
  if (splices.length === 0) return { text: original, applied, skipped };
  // From the end backwards, so earlier offsets stay valid; inserts at one place keep fix order.
  splices.sort((a, b) => b.start - a.start || b.order - a.order);
  let text = source.text;
  for (const splice of splices) text = `${text.slice(0, splice.start)}${splice.text}${text.slice(splice.end)}`;
  return { text: `${source.bom ? '\uFEFF' : ''}${text}`, applied, skipped };
}
