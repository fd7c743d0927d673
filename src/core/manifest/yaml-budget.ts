/**
 * How much text the full YAML parser may be given. `yaml` costs 1.5-3 µs per byte of
 * ordinary YAML and up to 10 µs per byte when most lines are errors, so a megabyte of
 * the YAML the fast reader leaves to it (explicit collection keys, `- "quoted": key`
 * items, tab indentation on every line...) took 3-12 s. A manifest is a few KiB, so the
 * full parser gets at most FULL_PARSE_BUDGET characters of content and a text with more is
 * refused before parsing, as too-deep nesting is. A count, not a clock: the verdict never
 * depends on how busy the machine is.
 *
 * The size: a megabyte of plain YAML with a finding on every line already takes about
 * 0.75 s on a quiet 2-core machine, and the full parser's slowest YAML (every line an
 * error) adds about 0.1-0.2 s per 16 KiB (bench/validate-limit.mjs, "budget:" shapes),
 * so 16 KiB on top keeps the whole file under 1 s. Still four times a large manifest.
 *
 * Only lines with content count: the partial reparse hands over what the fast reader
 * read as comment lines of the same length, which the parser skips at almost no cost.
 */
import type { PrefixLine } from './fast-yaml-line.js';
import { groupThousands, type ParseIssue } from './parse-issue.js';

export const FULL_PARSE_BUDGET = 16 * 1024;

/**
 * The budget for a text the fast reader read whole but could not place findings in (a
 * comment where yaml's ranges differ from its own: indented deeper than the line before,
 * after a block scalar, after a key with no value). That text is ordinary YAML, which
 * the parser reads at about 1.3 µs per byte, so it may have more: 64 KiB, 16 times a large
 * manifest (measured: 121 KiB of such YAML with a finding on every line took the whole
 * CLI run 0.58 s, against 0.43 s for a megabyte the fast reader places). Without it, one
 * comment and one warning in a 17 KiB manifest made it an error.
 */
export const PLAIN_PARSE_BUDGET = 64 * 1024;

/** Characters (UTF-16 units) on lines that are neither blank nor comments. */
export function contentChars(text: string): number {
  let total = 0;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    let i = start;
    while (text[i] === ' ' || text[i] === '\t') i++;
    const ch = text[i];
    if (i < end && ch !== '#' && ch !== '\n' && ch !== '\r') total += end - start;
    start = end;
  }
  return total;
}

/**
 * Which budget a text gets: `declined`, YAML the fast reader declined (FULL_PARSE_BUDGET);
 * `plain`, plain YAML it read whole but could not place findings in (PLAIN_PARSE_BUDGET).
 */
export type ParseBudget = 'declined' | 'plain';

/**
 * The refusal for a text over its budget, placed at `at` (where the fast reader stopped
 * reading, or the start); undefined for a text within it.
 */
export function overBudgetIssue(text: string, at: number, kind: ParseBudget = 'declined'): ParseIssue | undefined {
  const budget = kind === 'plain' ? PLAIN_PARSE_BUDGET : FULL_PARSE_BUDGET;
  if (text.length <= budget) return undefined;
  const chars = contentChars(text);
  if (chars <= budget) return undefined;
  const issue = { start: at, end: at + 1, severity: 'error', rule: 'syntax/too-complex' } as const;
  if (kind === 'plain') {
    return {
      ...issue,
      message: `This manifest is too large to point at what is wrong in it: that needs the whole file read slowly, which is done for at most ${groupThousands(budget)} characters, and this file has ${groupThousands(chars)}; nothing else was reported.`,
      hint: 'A manifest is usually a few KiB: is this the right file? If it is, a comment indented deeper than the line before it, or after a block scalar or a key with no value, is what needs the slow reading: move such comments to the indentation of the line before them.',
    };
  }
  return {
    ...issue,
    // Says what happened in the author's terms, not how validate reads YAML. Not "YAML only
    // the slow parser reads" either: one line the fast reader declines (a `%YAML 1.1`
    // directive at the top) can send a whole file of plain YAML to the full parser.
    message: `This manifest is too large for the kind of YAML it uses from here on: that YAML is read slowly (seconds per megabyte), so at most ${groupThousands(FULL_PARSE_BUDGET)} characters of it are read, and this file has ${groupThousands(chars)}; the file was not checked.`,
    // Says what to change, not how validate reads YAML ("the fast reader" means nothing to a plugin author).
    hint: 'A manifest is usually a few KiB: is this the right file? If it is, write this line and the ones after it as plain block YAML, which is read quickly at any size: no `%YAML 1.1` or `%TAG` lines, no second `---` document, no `? ` keys, no tabs used for indentation.',
  };
}

/** The start of the line after the last one the fast reader read whole: about where it declined. */
export function declinedAt(text: string, prefix: readonly PrefixLine[]): number {
  const last = prefix[prefix.length - 1];
  if (!last) return 0;
  const newline = text.indexOf('\n', last.keyStart);
  return newline === -1 ? last.keyStart : newline + 1;
}
