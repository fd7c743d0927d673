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
const MARKER_LINE = /^(?:---|\.\.\.)[ \t]*(?:#.*)?$/;
const DIRECTIVE_LINE = /^%YAML[ \t]+1\.2[ \t]*(?:#.*)?$/;
const SKIPPED_LINE = /^[ \t]*(?:#.*)?$/;

interface Line {
  start: number;
  /** Without its line end. */
  text: string;
}

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    out.push({ start, text: text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end) });
    start = end + 1;
  }
  return out;
}

/**
 * The text with its document markers blanked, or the text itself when it has none the
 * fast reader can do without. Reads whole lines at the start and the end only.
 */
export function withoutDocumentMarkers(text: string): string {
  if (!text.startsWith('---') && !text.startsWith('%') && !text.startsWith('#') && !text.includes('\n...') && !text.includes('\n---')) return text;
  const lines = linesOf(text);
  const blank: Line[] = [];
  // The head: comments and blank lines, at most one `%YAML 1.2`, then one `---`.
  let i = 0;
  while (i < lines.length && SKIPPED_LINE.test(lines[i]?.text ?? '')) i++;
  if (DIRECTIVE_LINE.test(lines[i]?.text ?? '')) {
    blank.push(lines[i] as Line);
    i++;
    while (i < lines.length && SKIPPED_LINE.test(lines[i]?.text ?? '')) i++;
    // A directive needs its `---`; without one the full parser reports it.
    if (!(lines[i]?.text ?? '').startsWith('---')) return text;
  }
  const head = lines[i];
  if (head && head.text.startsWith('---') && MARKER_LINE.test(head.text)) blank.push(head);
  // The tail: one `...` after the last content line.
  let j = lines.length - 1;
  while (j > i && SKIPPED_LINE.test(lines[j]?.text ?? '')) j--;
  const tail = lines[j];
  if (j > i && tail && tail.text.startsWith('...') && MARKER_LINE.test(tail.text)) blank.push(tail);
  // Another marker between them is a second document: the full parser says so.
  for (let k = i + 1; k < j; k++) {
    const line = lines[k]?.text ?? '';
    if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) return text;
  }
  if (blank.length === 0) return text;
  let out = text;
  for (const line of blank) out = out.slice(0, line.start) + ' '.repeat(line.text.length) + out.slice(line.start + line.text.length);
  return out;
}
