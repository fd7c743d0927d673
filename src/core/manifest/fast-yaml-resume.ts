/**
 * Reading past the parts the fast reader declines (fast-yaml.ts). A megabyte of plain
 * entries with one odd line near its start (`odd : x`, a list of quoted keys) went to the
 * full parser from that line on: 3 s. Here the declined part, a region of whole lines,
 * is made comment lines of the same length and the text read again, so the lines after
 * it count as read too; up to MAX_REGIONS times. Every offset stays the text's own.
 *
 * A region runs from the first line not read whole to the line the reader failed on, and
 * on over the lines after it that are deeper than the shallowest of those (what they
 * hold belongs to them). The partial reparse (partial-reparse.ts) never leaves a region
 * out: the full parser reads each, with the lines around it, and the fast reader's
 * entries on either side are merged back only where yaml's tree shows them where the
 * fast reader read them (partial-merge.ts).
 */
import type { PrefixCollection, PrefixLine, SimpleOrPrefix, Stop } from './fast-yaml.js';

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

/** Each pass reads the whole text again (a few hundred ms a megabyte): a few regions are worth it, many are not. */
const MAX_REGIONS = 8;

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
  if (/^(?:---|\.\.\.|%)/.test(text.slice(stop.from, stop.from + 3))) return undefined;
  let shallowest = Infinity;
  for (let at = stop.from; at < stop.to; at = lineEnd(text, at)) {
    if (!blankOrComment(text, at)) shallowest = Math.min(shallowest, indentAt(text, at));
  }
  let end = stop.to;
  while (end < text.length) {
    const indent = indentAt(text, end);
    if (!blankOrComment(text, end) && text.charCodeAt(end + indent) !== 9 && indent <= shallowest) break;
    if (/^(?:---|\.\.\.|%)/.test(text.slice(end, end + 3))) break;
    end = lineEnd(text, end);
  }
  return { start: stop.from, end };
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
  while (stop && regions.length < MAX_REGIONS) {
    const region = regionOf(text, stop);
    const next = region && withRegion(regions, region);
    if (!next) break;
    regions = next;
    const pass = read(commentOut(text, regions));
    if (pass.whole) return { prefix: pass.whole.prefix, collections: pass.whole.collections, regions };
    // Too deep, aliases past the limit, or a flow document: what the reader says of the whole text stands.
    if (!pass.out.prefix || !pass.out.stop) break;
    best = { prefix: pass.out.prefix, ...(pass.out.collections ? { collections: pass.out.collections } : {}), regions };
    stop = pass.out.stop;
  }
  return best;
}

/** The lines the reader read before the first part it declined (all it read, without regions). */
export function readBeforeRegions(read: { prefix?: readonly PrefixLine[]; regions?: readonly Region[] }): readonly PrefixLine[] {
  const first = read.regions?.[0];
  const prefix = read.prefix ?? [];
  return first ? prefix.filter((line) => line.keyStart < first.start) : prefix;
}
