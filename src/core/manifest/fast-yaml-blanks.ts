/**
 * CRLF line ends and tabs used as separation for the fast YAML reader (fast-yaml.ts).
 *
 * CRLF: yaml reads `\r\n` as it reads `\n` (a value never holds the CR, folding treats
 * both alike), so the reader reads the text with every CRLF made LF and the offsets it
 * gives are moved back onto the original text: every range stays an offset into the file
 * as it is, as the full parser's are. A CR alone is left to the full parser.
 *
 * Tabs: YAML allows them as separation, never as indentation. A line's tabs right after
 * `key:` or `-`, before a comment, inside a comment or at the end of the line are made
 * spaces (the same length, so every offset holds); a tab anywhere else (indentation, a
 * value, a flow collection, a quoted scalar) stays, and the reader declines it.
 */
import type { SourceNode } from './source-tree.js';
import type { ParseIssue } from './parse-issue.js';
import { KEY_NAME_SOURCE, quoteEnd, unsupported } from './fast-yaml-scalar.js';

/** `key:` or `-` (or `- key:`) and the blanks after them, at the start of a line's content. */
const LEAD = new RegExp(`^( *)(-(?=[ \\t]|$)[ \\t]*)?(${KEY_NAME_SOURCE}:(?=[ \\t]|$)[ \\t]*)?`);

/** The line with its separating tabs made spaces; unsupported when a tab sits elsewhere, or at the indentation. */
export function untab(line: string): string {
  const match = LEAD.exec(line);
  const lead = match?.[0] ?? '';
  if (!match || lead.length === match[1]?.length) unsupported();
  // After `-`, yaml counts a tab as indentation of what follows: an error before a
  // mapping, a sequence, a tag or an anchor; only a scalar may follow it.
  if (match?.[2]?.includes('\t') && (match[3] !== undefined || /^(?:[-?:](?:[ \t]|$)|[!&*|>%@`])/.test(line.slice(lead.length)))) unsupported();
  let valueEnd = line.length;
  const first = line[lead.length];
  if (first === '"' || first === "'") {
    const close = quoteEnd(line, lead.length);
    if (close === -1) unsupported();
    valueEnd = close + 1;
  } else if (first === '[' || first === '{') {
    unsupported();
  } else {
    // A plain value ends at a blank before `#` (a comment) or at the blanks ending the line.
    const hash = line.slice(lead.length).search(/[ \t]#/);
    let end = hash === -1 ? line.length : lead.length + hash;
    while (end > lead.length && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
    valueEnd = end;
  }
  const value = line.slice(lead.length, valueEnd);
  // A tab inside quotes is text (quotedScalar keeps it); anywhere else in a value, declined.
  if (value.includes('\t') && first !== '"' && first !== "'") unsupported();
  return lead.replace(/\t/g, ' ') + value + line.slice(valueEnd).replace(/\t/g, ' ');
}

/** Offsets in the text read with LF line ends -> offsets in the original CRLF text. */
export function offsetMap(text: string): (offset: number) => number {
  // For each offset of the LF text, the CRs before it (one per CRLF whose LF lies before
  // it): one table, so each of the tree's offsets moves in one step.
  const shift = new Uint32Array(text.length + 2);
  let crs = 0;
  let from = 0;
  for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 2)) {
    const lf = i - crs; // where this LF sits in the LF text
    shift.fill(crs, from, lf + 1);
    from = lf + 1;
    crs++;
  }
  shift.fill(crs, from);
  return (offset) => offset + (shift[offset] ?? crs);
}

function moveTree(node: SourceNode, move: (offset: number) => number): void {
  node.start = move(node.start);
  node.end = move(node.end);
  if (node.kind === 'map') {
    for (const entry of node.entries) {
      entry.keyStart = move(entry.keyStart);
      entry.keyEnd = move(entry.keyEnd);
      if (entry.value) moveTree(entry.value, move);
    }
  } else if (node.kind === 'seq') {
    for (const item of node.items) moveTree(item, move);
  }
}

/**
 * Reads a text with CRLF line ends through `read` (which sees LF ends) and moves its
 * offsets back onto the original text; undefined for a CR that ends no line.
 */
export function readCrlf<T extends { tree: SourceNode | undefined; issues: ParseIssue[] }>(text: string, read: (lf: string) => T | undefined): T | undefined {
  if (/\r(?!\n)/.test(text)) return undefined;
  const result = read(text.replace(/\r\n/g, '\n'));
  if (!result) return undefined;
  const move = offsetMap(text);
  if (result.tree) moveTree(result.tree, move);
  result.issues = result.issues.map((issue) => ({ ...issue, start: move(issue.start), end: move(issue.end) }));
  return result;
}
