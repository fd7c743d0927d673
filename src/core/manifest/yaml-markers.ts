/**
 * Many YAML files start with `---` (and some with `%YAML 1.2` before it), and some end
 * with `...`. Those lines mark where the one document starts and ends; they hold no
 * data and move no offset. The fast reader reads plain block YAML only, so it used to
 * leave such a file to the full parser, which costs seconds per megabyte and past its
 * budget refuses the file. Here the markers are blanked to spaces of the same length,
 * so the fast reader reads the rest with every offset where the full parser puts it.
 *
 * Only the plain forms: a `---` line with nothing else on it (a comment aside), a
 * `%YAML 1.2` directive (1.1 reads `yes` and `0777` otherwise), and a `...` line after
 * the last content. Anything else (`--- value`, `%TAG`, a second document) is left as
 * it is, for the full parser to read or report.
 */

/** `---` or `...` alone on a line, with an optional comment after a space. */
const MARKER_LINE = /^(?:---|\.\.\.)(?:[ \t]+(?:#.*)?)?$/;
const DIRECTIVE_LINE = /^%YAML[ \t]+1\.2(?:[ \t]+(?:#.*)?)?$/;
/** The start of a `---` marker line, which may carry content after a space (`--- !!map`). */
const DOCUMENT_START = /^---(?:[ \t]|$)/;
const SKIPPED_LINE = /^[ \t]*(?:#.*)?$/;

interface Line {
  start: number;
  /** Without its line end. */
  text: string;
  /** Where the next line starts. */
  next: number;
}

/** The line that starts at `start`. */
function lineFrom(text: string, start: number): Line {
  const newline = text.indexOf('\n', start);
  const end = newline === -1 ? text.length : newline;
  return { start, text: text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end), next: end + 1 };
}

/** The line that ends (before its line end) at or just before `end`, the start of a line end. */
function lineBefore(text: string, end: number): Line {
  const start = text.lastIndexOf('\n', end - 1) + 1;
  return lineFrom(text, start);
}

/** A line of another document between the head and the tail. */
const NEW_DOCUMENT_LINE = /\n(?:---|\.\.\.|%)/g;

/**
 * The text with its document markers blanked, or the text itself when it has none the
 * fast reader can do without. Reads lines at the start and the end only (this runs for
 * every manifest, so a file of a thousand lines is not split into lines for it).
 */
export function withoutDocumentMarkers(text: string): string {
  // Only a `---` line is blanked (a directive only with one after it), or a `...` line
  // after it: at the start or after a line break. Without either there is nothing to
  // blank, whatever the file starts with (many start with a schema comment: those were
  // read line by line here, and the whole text scanned, for nothing).
  if (!text.startsWith('---') && !text.includes('\n---') && !text.includes('\n...')) return text;
  const blank: Line[] = [];
  // The head: comments and blank lines, at most one `%YAML 1.2`, then one `---`.
  let line = lineFrom(text, 0);
  while (line.next <= text.length && SKIPPED_LINE.test(line.text)) line = lineFrom(text, line.next);
  if (DIRECTIVE_LINE.test(line.text)) {
    blank.push(line);
    line = lineFrom(text, line.next);
    while (line.next <= text.length && SKIPPED_LINE.test(line.text)) line = lineFrom(text, line.next);
    // A directive needs its `---` (a space, a tab or the line's end after it: `---#c` is
    // no marker to yaml); without one the full parser reports it.
    if (!DOCUMENT_START.test(line.text)) return text;
  }
  if (line.text.startsWith('---') && MARKER_LINE.test(line.text)) blank.push(line);
  const headEnd = line.next;
  // The tail: one `...` after the last content line.
  let tail = lineBefore(text, text.endsWith('\n') ? text.length - 1 : text.length);
  while (tail.start > headEnd && SKIPPED_LINE.test(tail.text)) tail = lineBefore(text, tail.start - 1);
  if (tail.start >= headEnd && tail.text.startsWith('...') && MARKER_LINE.test(tail.text)) blank.push(tail);
  // Another marker between them is a second document: the full parser says so.
  NEW_DOCUMENT_LINE.lastIndex = Math.max(0, headEnd - 1);
  const other = NEW_DOCUMENT_LINE.exec(text);
  if (other && other.index + 1 < tail.start) return text;
  if (blank.length === 0) return text;
  let out = text;
  for (const marker of blank) out = out.slice(0, marker.start) + ' '.repeat(marker.text.length) + out.slice(marker.start + marker.text.length);
  return out;
}
