/**
 * Block scalars (`key: |`, `|-`, `|+`, `>`, `>-`, `>+`) for
 * the fast YAML reader. Their content lines may look like anything (keys, dashes,
 * comments), so the line splitter hands them here before reading them as structure.
 * Ranges as yaml gives them: from the indicator to just past the last content line, or
 * past the kept blank lines for `|+`. Anything else (an explicit indentation digit, a
 * line of only spaces, a less-indented content line, no newline after the last line)
 * is left to the full parser.
 */
import { unsupported } from './fast-yaml-scalar.js';

export interface BlockScalar {
  value: string;
  start: number;
  end: number;
}

const HEADER = /^([|>])([-+]?)$/;

/** The style and chomping of a block scalar header (`|`, `>-`, ...), comment already stripped. */
export function blockHeader(rest: string): { folded: boolean; chomp: string } | undefined {
  const match = HEADER.exec(rest);
  return match ? { folded: match[1] === '>', chomp: match[2] ?? '' } : undefined;
}

/**
 * A folded scalar's content lines (the content indentation removed, '' for an empty
 * line) as yaml folds them (compose/resolve-block-scalar.js): empty lines before the
 * first line are newlines; a line break between two lines is a space, each empty line
 * between them a newline; a more-indented line (led by a blank or a tab) keeps its line
 * breaks.
 */
function foldLines(lines: readonly string[]): string {
  let value = '';
  let first = 0;
  for (; first < lines.length && lines[first] === ''; first++) value += '\n';
  let sep = '';
  let previousMoreIndented = false;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line[0] === ' ' || line[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!previousMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + line;
      sep = '\n';
      previousMoreIndented = true;
    } else if (line === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + line;
      sep = ' ';
      previousMoreIndented = false;
    }
  }
  return value;
}

/**
 * Reads the content lines after a header: `raws` are the file's lines, `next` the index
 * of the first line after the header and `offset` its file offset; content is indented
 * deeper than `parentIndent`. Returns the scalar and where the line splitter goes on.
 */
export function readBlockScalar(
  raws: readonly string[],
  lineCount: number,
  next: number,
  offset: number,
  parentIndent: number,
  header: { folded: boolean; chomp: string },
  start: number,
): { scalar: BlockScalar; next: number; offset: number } {
  const body: string[] = [];
  let contentIndent = -1;
  let empty = 0;
  let contentEnd = -1;
  let j = next;
  for (; j < lineCount; j++) {
    const raw = raws[j] ?? '';
    if (raw === '') {
      empty++;
      offset += 1;
      continue;
    }
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length) unsupported(); // spaces only: yaml's rules for these differ by position
    if (indent <= parentIndent) break;
    if (contentIndent === -1) contentIndent = indent;
    if (indent < contentIndent) unsupported();
    for (; empty > 0; empty--) body.push('');
    body.push(raw.slice(contentIndent));
    offset += raw.length + 1;
    if (j === raws.length - 1) unsupported(); // no newline after the last line
    contentEnd = offset;
  }
  if (contentIndent === -1) unsupported();
  const text = header.folded ? foldLines(body) : body.join('\n');
  const value = header.chomp === '-' ? text : header.chomp === '+' ? `${text}\n${'\n'.repeat(empty)}` : `${text}\n`;
  return { scalar: { value, start, end: header.chomp === '+' ? offset : contentEnd }, next: j, offset };
}
