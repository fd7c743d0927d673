/**
 * Small helpers every test reporter uses: grouping by check group, status symbols and
 * words, durations. No colour here: the human reporter adds it.
 */
import { dirname, isAbsolute, relative } from 'node:path';
import { shellQuote } from '../../core/runtime/curl-line.js';
import type { CheckResult } from '../../core/conformance/types.js';

import { groupOf } from '../../core/conformance/check-group.js';

export { groupOf };

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
  return result.status === 'stale' || result.notRun === true || (result.status === 'fail' && !isWarning(result, strict));
}

/** One line, bounded: for annotations and XML attributes. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Failures that are the same failure (same message, expectation, details and response):
 * the first of each kind with the ids of the others, in report order.
 */
export function sameFailures<T extends CheckResult>(results: readonly T[]): Array<{ result: T; also: string[] }> {
  const groups = new Map<string, { result: T; also: string[] }>();
  for (const result of results) {
    const key = JSON.stringify([result.status, result.level, result.message, result.expected, result.details, result.exchange?.status, result.exchange?.responseExcerpt]);
    const group = groups.get(key);
    if (group) group.also.push(result.id);
    else groups.set(key, { result, also: [] });
  }
  return [...groups.values()];
}

/** Root causes of blocked checks, in report order, with the ids each one blocked. */
export function blockedByRoot(results: readonly CheckResult[]): Array<{ root: string; ids: string[] }> {
  const roots = new Map<string, string[]>();
  for (const result of results) {
    if (result.status !== 'blocked' || !result.blockedBy) continue;
    roots.set(result.blockedBy, [...(roots.get(result.blockedBy) ?? []), result.id]);
  }
  return [...roots].map(([root, ids]) => ({ root, ids }));
}

/**
 * What follows `loom-plugin test` in a replay line, so the line works from the folder the
 * user ran `test` in: the plugin's folder relative to it (nothing when it is that folder),
 * and `--endpoint` for an attached plugin.
 */
export function replayTarget(plugin: { manifest?: string; endpoint: string; mode: 'started' | 'attached' }, cwd = process.cwd()): string {
  const parts: string[] = [];
  const folder = plugin.manifest ? dirname(plugin.manifest) : cwd;
  // Below the current folder: relative, as typed; elsewhere: absolute, never a ../../ chain.
  const below = relative(cwd, folder);
  const dir = below === '' || below.startsWith('..') || isAbsolute(below) ? (below === '' ? '' : folder) : below;
  if (dir !== '') parts.push(/^[\w./@%+=:,-]+$/.test(dir) ? dir : shellQuote(dir));
  if (plugin.mode === 'attached') parts.push('--endpoint', plugin.endpoint);
  return parts.map((part) => ` ${part}`).join('');
}
