/**
 * A text the fast reader declines part way (a syntax error at the end of a megabyte of
 * plain entries, say) goes to the full parser, which cost 1-2 µs per byte to report one
 * broken line. The entries the fast reader read whole before it declined cannot hold a
 * syntax error (it reads only what `yaml` reads without one), so here they are left out:
 * each run of sibling entries between the first and the last one of a collection is
 * replaced by one comment line of the same length, at the siblings' indentation. Every
 * offset after it stays the same, and what `yaml` sees around the seam does not change:
 * the collection's first entry still sets its indentation, the entries before the
 * declined line are still there. `yaml` then parses a text of a few lines.
 *
 * A parse that fails with syntax errors is used as it is: those errors are the full
 * parse's. One without error gets the fast reader's entries merged back into its tree
 * and data, with the duplicate keys across the ranges (partial-merge.ts), where that is
 * exact; otherwise the full parser reads the whole text. A property test compares both
 * paths on generated documents broken, or made odd, at random places.
 */
import { lineStart, type PrefixLine } from './fast-yaml-line.js';
import type { PrefixCollection } from './fast-yaml-reader.js';
import { readBeforeRegions, type Region } from './fast-yaml-resume.js';
import { mergeLeftOut } from './partial-merge.js';
import type { ParsedSource } from './parse-issue.js';
import { parseYamlWithPositions } from './parse-yaml.js';
import { declinedAt } from './yaml-budget.js';
import { tooDeepOffset } from './yaml-depth.js';

/** A range of whole lines to leave out, and the indentation its comment line gets. */
export interface Blank {
  start: number;
  end: number;
  indent: number;
  kind: PrefixLine['kind'];
  /** Where the kept sibling before the range has its key (or dash), and the kept one after it. */
  firstKey: number;
  lastKey: number;
}

interface Siblings {
  indent: number;
  kind: PrefixLine['kind'];
  /** Offsets of the lines where each sibling starts, and of their keys (or dashes). */
  starts: number[];
  keys: number[];
  /** The last sibling so far is a `-` with nothing after it on its line. */
  lastEmptyItem: boolean;
}

const isEmptyItem = (line: PrefixLine): boolean => line.kind === 'item' && line.rest === '';

/**
 * The ranges that can be left out: for each run of siblings (lines of one indentation
 * and kind with only deeper lines between them), from the second sibling's line to the
 * last one's (to the one before it when the last is an empty `-`). The outermost ranges
 * only (they contain the others), in document order. A region the reader declined
 * (`regions`, in order) ends every run: yaml reads it, and the siblings on either side of it.
 */
export function blankRanges(lines: readonly PrefixLine[], regions: readonly Region[] = []): Blank[] {
  const open: Siblings[] = [];
  const runs: Siblings[] = [];
  let region = 0;
  for (const line of lines) {
    if (region < regions.length && (regions[region]?.start ?? Infinity) <= line.keyStart) {
      while (region < regions.length && (regions[region]?.start ?? Infinity) <= line.keyStart) region++;
      runs.push(...open);
      open.length = 0;
    }
    for (let top = open[open.length - 1]; top && (top.indent > line.indent || (top.indent === line.indent && top.kind !== line.kind)); top = open[open.length - 1]) {
      runs.push(top);
      open.pop();
    }
    const top = open[open.length - 1];
    const start = lineStart(line);
    if (top && top.indent === line.indent) {
      top.starts.push(start);
      top.keys.push(line.keyStart);
      top.lastEmptyItem = isEmptyItem(line);
    } else {
      open.push({ indent: line.indent, kind: line.kind, starts: [start], keys: [line.keyStart], lastEmptyItem: isEmptyItem(line) });
    }
  }
  runs.push(...open);
  const candidates: Blank[] = [];
  for (const run of runs) {
    // An error in what follows an empty `-` (its value) is placed by yaml at the end of the
    // `-` line, but one line later when a comment line comes right before the item: the
    // sibling before such an item stays too, so yaml sees the lines it saw in the text.
    const kept = run.lastEmptyItem ? 2 : 1;
    const second = run.starts[1];
    const last = run.starts[run.starts.length - kept];
    const firstKey = run.keys[0];
    const lastKey = run.keys[run.keys.length - kept];
    if (run.starts.length >= 2 + kept && second !== undefined && last !== undefined && firstKey !== undefined && lastKey !== undefined) {
      candidates.push({ start: second, end: last, indent: run.indent, kind: run.kind, firstKey, lastKey });
    }
  }
  // Ranges nest or are apart; the first to start (the longest among equal starts) is outermost.
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Blank[] = [];
  let reached = 0;
  for (const range of candidates) {
    if (range.start < reached) continue;
    out.push(range);
    reached = range.end;
  }
  return out;
}

/** The text with each range replaced by one comment line of the same length (a few `yaml` tokens, not thousands). */
export function blankText(text: string, ranges: readonly Blank[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const range of ranges) {
    parts.push(text.slice(from, range.start), ' '.repeat(range.indent), '#', ' '.repeat(range.end - range.start - range.indent - 2), '\n');
    from = range.end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/** A parse that failed: with syntax errors (the full parse's too), or refused for size (the whole text has more content, not less). */
function failed(parsed: ParsedSource): boolean {
  return parsed.fatal && parsed.issues.some((issue) => (issue.rule === 'syntax/yaml' && !issue.needsWholeText) || issue.rule === 'syntax/too-complex');
}

/** What the fast reader read of a text it declined part way (readSimpleYamlOrPrefix's answer). */
export interface PartRead {
  /** The lines it read whole: before the part it declined, and after it too when it gives `regions`. */
  prefix?: readonly PrefixLine[];
  collections?: readonly PrefixCollection[];
  regions?: readonly Region[];
}

/**
 * The full parser's result for `text` when it fails with syntax errors after the lines
 * the fast reader read (`read.prefix`), at the cost of parsing the rest, or reads it
 * without error (the fast reader's entries merged back); undefined when this cannot tell
 * (the caller parses the whole text then). The whole answer of the reader goes in: the
 * lines after a region it declined must never be left out together with the region.
 */
export function parseYamlPastPrefix(text: string, read: PartRead): ParsedSource | undefined {
  const { prefix = [], collections, regions = [] } = read;
  // A tag is the one thing a text yaml reads without error can still be warned about
  // (an unknown tag, a tag on the wrong kind of node): a range with one stays, for its warning.
  const ranges = blankRanges(prefix, regions).filter((range) => !text.slice(range.start, range.end).includes('!'));
  // Too deep: the full path refuses it before parsing, at no cost; its scan must see every line.
  if (ranges.length === 0 || tooDeepOffset(text) !== -1) return undefined;
  // A refusal for size points where the reader first declined.
  const options = { declinedAt: declinedAt(text, readBeforeRegions(read)) };
  const parsed = parseYamlWithPositions(blankText(text, ranges), options);
  if (parsed.fatal) {
    if (!failed(parsed)) return undefined;
    // Past a declined region yaml may read on differently (an unclosed bracket there takes
    // in the lines after it), and so fail on the lines left out too: its errors are the full
    // parse's only with nothing after the first region left out.
    const firstRegion = regions[0];
    if (!firstRegion || ranges.every((range) => range.end <= firstRegion.start)) return parsed;
    const before = ranges.filter((range) => range.end <= firstRegion.start);
    const again = before.length > 0 ? parseYamlWithPositions(blankText(text, before), options) : undefined;
    return again && failed(again) ? again : undefined;
  }
  // Read without error: the fast reader's entries go back in (partial-merge.ts), where that is exact.
  return collections ? mergeLeftOut(text, parsed, ranges, collections) : undefined;
}
