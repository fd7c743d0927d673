/**
 * Splitting a text into the lines of the fast YAML reader (fast-yaml.ts): each line's
 * kind, key and value (fast-yaml-line.ts), with the lines a value goes on over (a flow
 * collection, a block scalar, a multi-line scalar, an explicit key's value) joined to the
 * line it starts on, blank and comment lines dropped, and whether a comment sits where
 * yaml's ranges would differ from the reader's (then no tree). Apart because it is the
 * one pass over every line of the text; the reading into collections (fast-yaml-reader.ts)
 * works on its lines only.
 */
import { unsupported } from './fast-yaml-scalar.js';
import { flowCollectionEnd } from './fast-yaml-flow.js';
import { readBlockScalar } from './fast-yaml-block-scalar.js';
import { explicitEntry } from './fast-yaml-explicit-key.js';
import { untab } from './fast-yaml-blanks.js';
import { deeperLineFollows, spannedScalar } from './fast-yaml-multiline.js';
import { blockScalarHeader, flowOpening, keyLine, keyNameEnd, quotedKeyLine, scalarStart, stripComment, type Line } from './fast-yaml-line.js';

/** Where splitLines is, so a caller can keep the lines split before it declined. */
export interface SplitProgress {
  lines: Line[];
  /** Offset of the line being split (a declined line and any line pushed for it start here). */
  lineStart: number;
}

export function splitLines(text: string, progress: SplitProgress = { lines: [], lineStart: 0 }): { lines: Line[]; indentedComment: boolean } {
  const lines = progress.lines;
  let indentedComment = false;
  let offset = 0;
  let previousIndent = -1;
  // Deepest indented comment since the last content line (-1: none).
  let pendingComment = -1;
  let afterBlock = false;
  // The line before was a plain or quoted scalar over several lines.
  let afterSpanned = false;
  const raws = text.split('\n');
  // A final newline leaves an empty string after it that is no line.
  const lineCount = text.endsWith('\n') ? raws.length - 1 : raws.length;
  for (let index = 0; index < lineCount; index++) {
    let source = raws[index] ?? '';
    const lineStart = offset;
    progress.lineStart = lineStart;
    offset += source.length + 1;
    const end = Math.min(offset, text.length);
    // Blank or comment line (tabs count as blanks here; other blanks were refused).
    let first = 0;
    // `first < length` first: a blank line must not read past its end (see flowOpening).
    while (first < source.length && (source.charCodeAt(first) === 32 || source.charCodeAt(first) === 9)) first++;
    if (first === source.length || source.charCodeAt(first) === 35) {
      // A tab before the comment (or on a blank line): yaml reads it as a blank, except
      // right after a block scalar (an error there) or a scalar over several lines (not
      // modelled); and its ranges around such a comment are not modelled: no tree.
      // What the line before left without a value (`key:`, `- key:`, `key: !!str`), if anything.
      const previous = lines[lines.length - 1];
      const pending = previous === undefined ? undefined : stripComment(previous.rest);
      if (source.lastIndexOf('\t', first) !== -1) {
        // Also refused: ending the file without a line break after an indented comment,
        // and a tab after a key or dash with no value yet (`x:` then a tab alone): yaml
        // may count that tab as the value's indentation, an error.
        if (afterBlock || afterSpanned || offset > text.length) unsupported();
        if (pending !== undefined && (pending === '' || pending.endsWith(':') || /(?:^|\s)[!&][^\s]*$/.test(pending))) unsupported();
        if (first < source.length) indentedComment = true;
      }
      // yaml's ranges around a comment right after a block scalar are not modelled here.
      if (afterBlock && source.includes('#')) indentedComment = true;
      // yaml counts an indented comment into a parent's range when it is deeper than the
      // line before it, deeper than the line after it, or last in the file; the ranges
      // here would differ, so such files get no tree. Other comments leave every range as
      // it is (checked against yaml by a property test).
      if (/^ +#/.test(source)) {
        const commentIndent = source.length - source.trimStart().length;
        if (commentIndent > previousIndent) indentedComment = true;
        pendingComment = Math.max(pendingComment, commentIndent);
      }
      // The same after a key or dash with no value yet (`args:` then `# note`): yaml's
      // range for the pending collection takes the comment in. `- key:` (a compact
      // mapping's first key, no value yet) too. And after a tag with no value yet (`key: !!str`).
      if (source.includes('#') && pending !== undefined && (pending === '' || pending.endsWith(':') || /(?:^|\s)!!?[\w-]*$/.test(pending))) indentedComment = true;
      continue;
    }
    afterBlock = false;
    afterSpanned = false;
    if (source.startsWith('---') || source.startsWith('...') || source.startsWith('%')) unsupported();
    // Tabs that separate (`key:\tvalue\t# c`) become spaces; any other tab is declined.
    if (source.includes('\t')) source = untab(source);
    const indent = first; // spaces only: a tab was refused just above
    previousIndent = indent;
    if (pendingComment > indent) indentedComment = true;
    pendingComment = -1;
    const content = source.slice(indent);
    const keyStart = lineStart + indent;
    let line: Line;
    if (content.startsWith('- ') || content === '-') {
      line = { indent, kind: 'item', key: '', rest: content === '-' ? '' : content.slice(2), keyStart, restStart: keyStart + (content === '-' ? 1 : 2), end };
    } else if (content.charCodeAt(0) === 63) {
      // `? key` and `: value` on the next line: one entry (fast-yaml-explicit-key.ts), its value on one line.
      index++;
      if (index >= lineCount) unsupported();
      const next = raws[index] ?? '';
      const entry = explicitEntry(content, next, lineStart, indent, offset);
      offset += next.length + 1;
      lines.push({ indent, kind: 'key', ...entry, end: Math.min(offset, text.length) });
      continue;
    } else if (content.charCodeAt(0) === 34 || content.charCodeAt(0) === 39) {
      line = quotedKeyLine(content, indent, keyStart, end);
    } else {
      // KEY_LINE by hand: this runs for every line of every manifest.
      const colon = keyNameEnd(content);
      line = keyLine(content, colon, content.slice(0, colon), indent, keyStart, end);
    }
    lines.push(line);
    const flow = flowOpening(line);
    if (flow) {
      // A flow collection that goes on over the next lines (`env: {` ... `}`): its lines
      // become part of this line's value, and each must sit right of its parent (or at
      // its column, starting with the collection's closing bracket).
      const close = flowCollectionEnd(text, flow.at);
      if (close === -1) unsupported();
      let spanned = false;
      while (offset < close) {
        index++;
        const next = raws[index] ?? '';
        if (index >= lineCount) unsupported();
        let nextIndent = 0;
        while (next.charCodeAt(nextIndent) === 32) nextIndent++;
        // yaml accepts the collection's own closing bracket at its parent's column, nothing else there or left of it.
        const closing = offset + nextIndent === close - 1;
        if (next.includes('\t') || nextIndent < flow.parentIndent || (nextIndent === flow.parentIndent && !closing)) unsupported();
        offset += next.length + 1;
        spanned = true;
      }
      if (spanned) {
        // yaml's ranges around a comment right after it are not modelled here (as after a block scalar).
        afterBlock = true;
        line.rest = text.slice(line.restStart, offset - 1);
        line.end = Math.min(offset, text.length);
      }
    }
    const header = blockScalarHeader(line);
    if (header) {
      // The lines after it are the scalar's text, whatever they look like.
      const read = readBlockScalar(raws, lineCount, index + 1, offset, header.parentIndent, header, header.start);
      line.block = read.scalar;
      index = read.next - 1;
      offset = read.offset;
      afterBlock = true;
    } else if (!flow && deeperLineFollows(raws, lineCount, index, line.indent)) {
      // A plain or quoted scalar that goes on over the next lines: they are its text.
      const value = scalarStart(line);
      const spanned = value && spannedScalar(text, raws, lineCount, index, offset, value.start, value.parentIndent);
      if (spanned) {
        line.spanned = { ...spanned, compact: value.compact };
        index = spanned.next - 1;
        offset = spanned.offset;
        afterSpanned = true;
      }
    }
  }
  return { lines, indentedComment: indentedComment || pendingComment !== -1 };
}
