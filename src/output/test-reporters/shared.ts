/**
 * Small helpers every test reporter uses: grouping by check group, status symbols and
 * words, durations. No colour here: the human reporter adds it.
 */
import type { CheckResult } from '../../core/conformance/types.js';

/** `errors.rate-limit` -> `errors`. Groups are the first segment of the id. */
export function groupOf(id: string): string {
  const dot = id.indexOf('.');
  return dot === -1 ? id : id.slice(0, dot);
}

/** Results grouped by check group, groups in first-seen (catalogue) order. */
export function groupResults<T extends { id: string }>(results: readonly T[]): Array<{ group: string; results: T[] }> {
  const groups = new Map<string, T[]>();
  for (const result of results) {
    const group = groupOf(result.id);
    const list = groups.get(group);
    if (list) list.push(result);
    else groups.set(group, [result]);
  }
  return [...groups].map(([group, list]) => ({ group, results: list }));
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Failed recommended checks outside --strict are warnings, not failures. */
export function isWarning(result: CheckResult, strict: boolean): boolean {
  return result.status === 'fail' && result.level === 'recommended' && !strict;
}

export function isFailure(result: CheckResult, strict: boolean): boolean {
  return result.status === 'stale' || (result.status === 'fail' && !isWarning(result, strict));
}

/** One line, bounded: for annotations and XML attributes. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Plugin-supplied text (messages, bodies, logs) shown on a terminal: control characters
 * other than newline and tab are made visible, so a plugin cannot move the cursor or
 * recolour the terminal.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F\u009B]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
