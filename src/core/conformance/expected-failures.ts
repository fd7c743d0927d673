/**
 * The expected-failures baseline (`--expected-failures FILE`): a YAML list of check ids a
 * plugin is known to fail today, so CI can adopt `loom-plugin test` before every check
 * passes and still catch regressions.
 *
 *   # loom-plugin-expected-failures.yaml
 *   - streaming.first-byte          # plain id
 *   - id: errors.rate-limit.status  # or an object with a reason (kept for humans)
 *     reason: upstream SDK hides Retry-After
 *
 * A listed check that fails, or is blocked by one that fails, becomes `expected-fail`
 * (counts as a pass); a listed check
 * that passes becomes `stale` (fails the run, so the file is kept honest). Ids must be
 * exact catalogue ids: a glob would make "stale" ambiguous.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LoomPluginError } from '../errors.js';
import type { CheckInfo, CheckResult } from './types.js';
import { levenshtein } from '../edit-distance.js';

export interface ExpectedFailure {
  id: string;
  reason?: string;
}

/** Reads and checks a baseline file against the catalogue. Throws E_FILE_READ / E_USAGE. */
export async function loadExpectedFailures(file: string, cwd: string, catalogue: readonly CheckInfo[]): Promise<ExpectedFailure[]> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new LoomPluginError('E_FILE_READ', `Cannot read the expected-failures file ${file}: ${reason}.`, {
      hint: 'Pass a YAML file listing check ids, one per line as "- <id>".',
    });
  }
  return parseExpectedFailures(text, file, catalogue);
}

/** Parses baseline text (YAML or JSON). Exported for tests and the programmatic API. */
export async function parseExpectedFailures(text: string, file: string, catalogue: readonly CheckInfo[]): Promise<ExpectedFailure[]> {
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new LoomPluginError('E_USAGE', `The expected-failures file ${file} is not valid YAML: ${firstLine((error as Error).message)}.`, {
      hint: 'Write a YAML list of check ids, e.g. "- errors.rate-limit".',
    });
  }
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) {
    throw new LoomPluginError('E_USAGE', `The expected-failures file ${file} must be a YAML list of check ids.`, {
      hint: 'Write one "- <check id>" per line (see loom-plugin test --list).',
    });
  }
  const known = new Set(catalogue.map((check) => check.id));
  const entries: ExpectedFailure[] = [];
  const seen = new Set<string>();
  for (const [index, item] of data.entries()) {
    const entry = toEntry(item);
    if (!entry) {
      throw new LoomPluginError('E_USAGE', `Entry ${index + 1} of ${file} is not a check id.`, {
        hint: 'Each entry is a check id string, or an object with "id" and an optional "reason".',
      });
    }
    if (!known.has(entry.id)) {
      const suggestion = closest(entry.id, [...known]);
      throw new LoomPluginError('E_USAGE', `Unknown check id "${entry.id}" in ${file}.`, {
        hint: suggestion ? `Did you mean "${suggestion}"? Run loom-plugin test --list for all ids.` : 'Run loom-plugin test --list for all ids.',
        details: { id: entry.id, ...(suggestion ? { suggestion } : {}) },
      });
    }
    if (!seen.has(entry.id)) entries.push(entry);
    seen.add(entry.id);
  }
  return entries;
}

function toEntry(item: unknown): ExpectedFailure | undefined {
  if (typeof item === 'string' && item.trim() !== '') return { id: item.trim() };
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const { id, reason } = item as Record<string, unknown>;
    if (typeof id === 'string' && id.trim() !== '') return { id: id.trim(), ...(typeof reason === 'string' ? { reason } : {}) };
  }
  return undefined;
}

/** Rewrites results against the baseline: fail -> expected-fail, pass -> stale. */
export function applyExpectedFailures(results: readonly CheckResult[], baseline: readonly ExpectedFailure[], file = 'the expected-failures file'): CheckResult[] {
  const listed = new Map(baseline.map((entry) => [entry.id, entry]));
  return results.map((result) => {
    const entry = listed.get(result.id);
    if (!entry) return result;
    if (result.status === 'fail') {
      return {
        ...result,
        status: 'expected-fail',
        message: `${result.message ?? 'failed'} (expected: listed in ${file}${entry.reason ? `: ${entry.reason}` : ''})`,
      };
    }
    // Listed while blocked: the user accepts that it does not run until its root cause is fixed.
    if (result.status === 'blocked') {
      return { ...result, status: 'expected-fail', message: `not run: ${result.message ?? 'blocked'} (expected: listed in ${file}${entry.reason ? `: ${entry.reason}` : ''})` };
    }
    if (result.status === 'pass') {
      return {
        ...result,
        status: 'stale',
        message: `This check passes now: remove "${result.id}" from ${file}.`,
      };
    }
    return result;
  });
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/[.:]\s*$/, '');
}

/** Nearest id by edit distance, when it is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

