/**
 * Plain and quoted scalars that go on over several lines in block context, for the fast
 * YAML reader (fast-yaml.ts hands it a line whose value may go on):
 *
 *   key: a plain value      key: 'a quoted      key: "escaped \
 *     over two lines          value'              line break"
 *
 * Values are folded as yaml folds them (a ported copy of its unfoldLines and
 * doubleQuotedValue, compose/resolve-flow-scalar.js): a single line break becomes a space,
 * each blank line a newline, blanks around line breaks go; in double quotes `\` before a
 * line break joins the lines. Ranges are yaml's: from the first character (or opening
 * quote) to just past the last character (or closing quote). A plain scalar ends at a
 * line no deeper than its parent, at a comment line, or after a ` #` comment.
 *
 * Left to the full parser: a tab on any of its lines, `: ` in a continuation line (yaml
 * reads a key there), a continuation line no deeper than the parent in quotes, anything
 * but a comment after the closing quote, and an escape yaml refuses.
 */
import { escapeAt, plainText, quoteEnd, unsupported } from './fast-yaml-scalar.js';

export interface SpannedScalar {
  value: string;
  start: number;
  end: number;
  /** Just past the line break ending the scalar's last line (the end of its parent's range). */
  lineEnd: number;
  /** Index of the first line after the scalar, and its file offset. */
  next: number;
  offset: number;
}

/** yaml's unfoldLines: the value of a plain scalar's source, or of a single-quoted one's body. */
export function unfoldLines(source: string): string {
  if (!source.includes('\n')) return source;
  const lines = source.split('\n');
  let res = (lines[0] ?? '').replace(/[ \t]+$/, '');
  let sep = ' ';
  for (let k = 1; k < lines.length - 1; k++) {
    const line = (lines[k] ?? '').replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + line;
      sep = ' ';
    }
  }
  return res + sep + (lines[lines.length - 1] ?? '').replace(/^[ \t]*/, '');
}

/** yaml's doubleQuotedValue for a source with its quotes, over lines; escapes yaml refuses are declined. */
export function doubleQuotedValue(source: string): string {
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i];
    if (ch === '\n') {
      // One line break folds to a space, more to one newline fewer; blanks after them go.
      let fold = '';
      for (let next = source[i + 1]; next === ' ' || next === '\t' || next === '\n'; next = source[++i + 1]) if (next === '\n') fold += '\n';
      res += fold || ' ';
    } else if (ch === '\\') {
      if (source[i + 1] === '\n') {
        // An escaped line break joins the lines; the next line's leading blanks still go.
        i++;
        while (source[i + 1] === ' ' || source[i + 1] === '\t') i++;
      } else {
        const escape = escapeAt(source, i);
        res += escape.text;
        i = escape.next - 1;
      }
    } else if (ch === ' ' || ch === '\t') {
      // Blanks before a line break go; others stay.
      const from = i;
      while (source[i + 1] === ' ' || source[i + 1] === '\t') i++;
      if (source[i + 1] !== '\n') res += source.slice(from, i + 1);
    } else {
      res += ch;
    }
  }
  return res;
}

function indentOf(line: string): number {
  let indent = 0;
  while (line.charCodeAt(indent) === 32) indent++;
  return indent;
}

/** Index of the first line after line `index` with more than spaces on it, or -1 (a number: this runs for every line). */
function nextContentLine(raws: readonly string[], lineCount: number, index: number): number {
  for (let j = index + 1; j < lineCount; j++) {
    const line = raws[j] ?? '';
    if (indentOf(line) < line.length) return j;
  }
  return -1;
}

/**
 * Whether the first non-blank line after line `index` is indented deeper than `indent`:
 * without one, no scalar on that line goes on (the cheap test run for every line).
 */
export function deeperLineFollows(raws: readonly string[], lineCount: number, index: number, indent: number): boolean {
  const next = nextContentLine(raws, lineCount, index);
  return next !== -1 && indentOf(raws[next] ?? '') > indent;
}

/**
 * The scalar starting at file offset `start` on line `index` when it goes on over the
 * next lines; undefined when it ends on its own line (the caller reads it). `offset` is
 * the file offset of line index + 1; continuation lines must be deeper than `parentIndent`.
 */
export function spannedScalar(text: string, raws: readonly string[], lineCount: number, index: number, offset: number, start: number, parentIndent: number): SpannedScalar | undefined {
  const first = text[start];
  if (first === '"' || first === "'") return spannedQuoted(text, raws, lineCount, index, offset, start, parentIndent);
  // Properties (`&a`, `!t`), aliases and indicators: the caller reads what follows them.
  if (first === undefined || '&*!|>%@`?:,[]{}#'.includes(first) || (first === '-' && /^-(?:\s|$)/.test(text.slice(start, start + 2)))) return undefined;
  // It goes on only onto a content line deeper than its parent, and not onto a comment line.
  const next = nextContentLine(raws, lineCount, index);
  if (next === -1) return undefined;
  const line = raws[next] ?? '';
  const indent = indentOf(line);
  if (indent <= parentIndent || line.charCodeAt(indent) === 35) return undefined;
  return spannedPlain(text, raws, lineCount, index, offset, start, parentIndent);
}

function spannedPlain(text: string, raws: readonly string[], lineCount: number, index: number, offset: number, start: number, parentIndent: number): SpannedScalar {
  const firstLine = text.slice(start, offset - 1);
  // A comment or a tab on the first line: yaml's reading of what follows is not modelled.
  if (/\s#|\t/.test(firstLine)) unsupported();
  plainText(firstLine.trimEnd());
  let end = start + firstLine.trimEnd().length;
  let lineEnd = offset;
  let next = index + 1;
  let at = offset;
  for (let j = index + 1; j < lineCount; j++) {
    const raw = raws[j] ?? '';
    const lineStart = at;
    at += raw.length + 1;
    if (/^ *$/.test(raw)) continue;
    const indent = indentOf(raw);
    if (indent <= parentIndent || raw[indent] === '#') break;
    if (raw.includes('\t')) unsupported();
    const hash = raw.indexOf(' #', indent);
    const piece = (hash === -1 ? raw.slice(indent) : raw.slice(indent, hash)).trimEnd();
    // `key: value` or `key:` here: yaml reads a mapping (an error); leave it to the full parser.
    if (/:(?: |$)/.test(piece)) unsupported();
    end = lineStart + indent + piece.length;
    lineEnd = at;
    next = j + 1;
    if (hash !== -1) break; // a comment ends the scalar
  }
  return { value: unfoldLines(text.slice(start, end)), start, end, lineEnd: Math.min(lineEnd, text.length), next, offset: lineEnd };
}

function spannedQuoted(text: string, raws: readonly string[], lineCount: number, index: number, offset: number, start: number, parentIndent: number): SpannedScalar | undefined {
  const close = quoteEnd(text, start);
  // Closed on its own line: the caller reads it (or declines an unclosed one).
  if (close === -1 || close < offset - 1) return undefined;
  if (text.slice(start, offset - 1).includes('\t')) unsupported();
  let at = offset;
  let j = index + 1;
  for (; j < lineCount; j++) {
    const raw = raws[j] ?? '';
    at += raw.length + 1;
    if (raw.includes('\t')) unsupported();
    // A content line no deeper than the parent is an error in yaml (blank lines are not).
    if (!/^ *$/.test(raw) && indentOf(raw) <= parentIndent) unsupported();
    if (at > close) break;
  }
  if (j >= lineCount) unsupported();
  // After the closing quote: nothing, or a comment.
  const after = text.slice(close + 1, at - 1);
  if (after !== '' && !/^ +(?:#.*)?$/.test(after)) unsupported();
  const value = text[start] === '"' ? doubleQuotedValue(text.slice(start, close + 1)) : unfoldLines(text.slice(start + 1, close)).replace(/''/g, "'");
  return { value, start, end: close + 1, lineEnd: Math.min(at, text.length), next: j + 1, offset: at };
}

