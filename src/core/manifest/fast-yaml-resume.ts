/**
 * Reading past the parts the fast reader declines (fast-yaml.ts). A megabyte of plain
 * entries with one odd line near its start (`odd : x`, a list of quoted keys) went to the
 * full parser from that line on: 3 s. Here the declined part, a region of whole lines,
 * is made comment lines of the same length and the text read again, so the lines after
 * it count as read too, a few times over (MAX_PASSES, READ_BUDGET). Every offset stays the
 * text's own.
 *
 * A region runs from the first line not read whole to the line the reader failed on, and
 * on over the lines after it that are deeper than the shallowest of those (what they
 * hold belongs to them). The partial reparse (partial-reparse.ts) never leaves a region
 * out: the full parser reads each, with the lines around it, and the fast reader's
 * entries on either side are merged back only where yaml's tree shows them where the
 * fast reader read them (partial-merge.ts).
 */
import type { SimpleOrPrefix, Stop } from './fast-yaml.js';
import type { PrefixLine } from './fast-yaml-line.js';
import type { PrefixCollection } from './fast-yaml-reader.js';
import { FULL_PARSE_BUDGET } from './yaml-budget.js';

/** Whole lines the fast reader declined: [start, end) of the text, end just past a line break (or the text's end). */
export interface Region {
  start: number;
  end: number;
}

/** One read of a text: its result; for a text read whole, the lines and collections it read. */
export interface Pass {
  out: SimpleOrPrefix;
  whole?: { prefix: readonly PrefixLine[]; collections: readonly PrefixCollection[] };
}

/**
 * Each pass reads the text again (it splits all of it into lines, half a read, then reads
 * up to where it declines; a megabyte read whole is 100-250 ms, a tenth of what yaml
 * costs): a few are worth it, many are not. At most MAX_PASSES, and none once they have
 * read READ_BUDGET times the text's length. Odd lines close together are found by
 * reading only a window after the region (WINDOW), which costs a fraction of a pass.
 */
const MAX_PASSES = 8;
const MAX_PROBES = 24;
const READ_BUDGET = 3;
const WINDOW = 16 * 1024;
/**
 * In a large text, reading on is worth another pass only when yaml would otherwise read
 * more than this share of it after the region (in a small one, either costs little).
 */
const MIN_TAIL = 1 / 8;
const LARGE = 64 * 1024;
/** A document marker or a directive: what follows one is another document. */
const NEW_DOCUMENT = /^(?:---|\.\.\.|%)/;

/** About what a pass that stopped at `stop` (or read to the end) cost, in characters read. */
function passCost(text: string, stop: Stop | undefined): number {
  return text.length / 2 + (stop ? stop.to : text.length) / 2;
}

function indentAt(text: string, at: number): number {
  let end = at;
  while (text.charCodeAt(end) === 32) end++;
  return end - at;
}

/** The end of the line starting at `at` (just past its line break). */
function lineEnd(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline === -1 ? text.length : newline + 1;
}

/** Whether the line at `at` holds only blanks or a comment. */
function blankOrComment(text: string, at: number): boolean {
  let first = at;
  while (text.charCodeAt(first) === 32) first++;
  const code = text.charCodeAt(first);
  return first >= text.length || code === 10 || code === 35;
}

/**
 * The region a stop makes: its lines, and the lines after them deeper than the
 * shallowest of those (or blank, or comments, or starting with a tab: yaml reads those
 * as part of what comes before, or fails on them). Undefined for a document marker or a
 * directive: what follows one is another document.
 */
export function regionOf(text: string, stop: Stop): Region | undefined {
  if (NEW_DOCUMENT.test(text.slice(stop.from, stop.from + 3))) return undefined;
  return deeperAfter(text, stop.from, stop.to);
}

/** The lines [start, end) of the text, and the lines after them deeper than the shallowest of those (as regionOf). */
function deeperAfter(text: string, start: number, to: number): Region {
  let shallowest = Infinity;
  for (let at = start; at < to; at = lineEnd(text, at)) {
    if (!blankOrComment(text, at)) shallowest = Math.min(shallowest, indentAt(text, at));
  }
  let end = to;
  while (end < text.length) {
    const indent = indentAt(text, end);
    if (!blankOrComment(text, end) && text.charCodeAt(end + indent) !== 9 && indent <= shallowest) break;
    if (NEW_DOCUMENT.test(text.slice(end, end + 3))) break;
    end = lineEnd(text, end);
  }
  return { start, end };
}

/** The end of the `count` whole lines from `at` on (or the text's end). */
function linesOn(text: string, at: number, count: number): number {
  let end = at;
  for (let line = 0; line < count && end < text.length; line++) end = lineEnd(text, end);
  return end;
}

/** `regions` with `region` added, overlapping or touching ones joined; undefined when it adds nothing. */
function withRegion(regions: readonly Region[], region: Region): Region[] | undefined {
  if (regions.some((r) => r.start <= region.start && region.end <= r.end)) return undefined;
  const out: Region[] = [];
  let joined = region;
  for (const r of regions) {
    if (r.end < joined.start || joined.end < r.start) out.push(r);
    else joined = { start: Math.min(r.start, joined.start), end: Math.max(r.end, joined.end) };
  }
  out.push(joined);
  return out.sort((a, b) => a.start - b.start);
}

/** The text with every line of each region made a comment line of the same length (an empty line stays empty). */
export function commentOut(text: string, regions: readonly Region[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const region of regions) {
    parts.push(text.slice(from, region.start), text.slice(region.start, region.end).replace(/[^\n]+/g, (line) => `#${' '.repeat(line.length - 1)}`));
    from = region.end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * `first`, the reader's result for `text`, declined at `first.stop`: the lines read whole
 * before and after the regions it declines, with its collections and the regions; `first`
 * when it reads nothing past the first one.
 */
export function readPastRegions(text: string, first: SimpleOrPrefix & { prefix: readonly PrefixLine[] }, read: (text: string) => Pass): SimpleOrPrefix {
  let best: SimpleOrPrefix = first;
  let stop = first.stop;
  let regions: Region[] = [];
  let spent = passCost(text, stop);
  // Lines added to a region that ends where another begins, doubled each time: a run of
  // odd lines takes a few passes, not one each (yaml reads at most twice the run).
  let grow = 0;
  let passes = 0;
  let probes = 0;
  while (stop && passes < MAX_PASSES && probes < MAX_PROBES && spent < READ_BUDGET * text.length) {
    let region = regionOf(text, stop);
    const found = region;
    if (found && regions.some((r) => r.start <= found.end && found.start <= r.end)) {
      grow = Math.max(1, grow * 2);
      // What the lines added hold belongs to them too: `g:` added alone would leave its
      // entries to be read as the previous mapping's, which yaml does not (nor the merge).
      region = deeperAfter(text, found.start, linesOn(text, found.end, grow));
    }
    const next = region && withRegion(regions, region);
    // Near the end (an odd line last, a few together), yaml reads the rest sooner than a pass would.
    if (!region || !next || (text.length >= LARGE && text.length - region.end <= MIN_TAIL * text.length)) break;
    // yaml is given every region whole: past its budget it refuses the text however much else is read.
    if (next.reduce((sum, r) => sum + r.end - r.start, 0) > FULL_PARSE_BUDGET) break;
    regions = next;
    const cut = linesOn(text, Math.min(text.length, region.end + WINDOW), 1);
    // The window is read from the text's start: worth it only well before the end.
    if (cut <= text.length / 4) {
      probes++;
      spent += cut;
      const window = read(commentOut(text.slice(0, cut), regions.filter((r) => r.end <= cut)));
      const windowStop = window.out.prefix ? window.out.stop : undefined;
      // Declined inside the window, before its last line (which the cut may have broken): the next region is there.
      if (!window.whole && windowStop && windowStop.to < text.lastIndexOf('\n', cut - 2) + 1) {
        stop = windowStop;
        continue;
      }
    }
    passes++;
    const pass = read(commentOut(text, regions));
    if (pass.whole) return { prefix: pass.whole.prefix, collections: pass.whole.collections, regions };
    // Too deep, aliases past the limit, or a flow document: what the reader says of the whole text stands.
    if (!pass.out.prefix || !pass.out.stop) break;
    best = { prefix: pass.out.prefix, ...(pass.out.collections ? { collections: pass.out.collections } : {}), regions };
    stop = pass.out.stop;
    spent += passCost(text, stop);
  }
  return best;
}

/** The lines the reader read before the first part it declined (all it read, without regions). */
export function readBeforeRegions(read: { prefix?: readonly PrefixLine[]; regions?: readonly Region[] }): readonly PrefixLine[] {
  const first = read.regions?.[0];
  const prefix = read.prefix ?? [];
  return first ? prefix.filter((line) => line.keyStart < first.start) : prefix;
}
