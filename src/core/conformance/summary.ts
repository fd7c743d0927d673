/**
 * Counts a run's results and decides its verdict. Kept apart from the runner so reporters,
 * the baseline logic and tests share one definition of "the run passes".
 *
 * Rules: a failed required check fails the run; a failed recommended check is a warning
 * that fails the run only under --strict (then it is counted as failed, not as a
 * warning); a stale expected-failure entry fails the run; skips never do. A check
 * blocked by a failed one fails nothing by itself, since its root cause fails the run;
 * but when that root cause does not (an expected failure, or a warning outside --strict),
 * a required check that never ran would hide behind a green run: it is "not run" and
 * fails the run, until the root cause is fixed or the check is listed in the baseline too.
 */
import type { CheckResult, TestRunSummary } from './types.js';

export function summarizeResults(results: readonly CheckResult[], strict: boolean, durationMs = 0): TestRunSummary {
  const summary: TestRunSummary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    expectedFailures: 0,
    stale: 0,
    blocked: 0,
    warnings: 0,
    durationMs: Math.round(durationMs),
  };
  const notRun = notRunIds(results, strict);
  if (notRun.size > 0) summary.notRun = notRun.size;
  for (const result of results) {
    switch (result.status) {
      case 'pass':
        summary.passed += 1;
        break;
      case 'skip':
        summary.skipped += 1;
        break;
      case 'expected-fail':
        summary.expectedFailures += 1;
        break;
      case 'stale':
        summary.stale += 1;
        break;
      case 'blocked':
        summary.blocked += 1;
        break;
      case 'fail':
        if (result.level === 'required' || strict) summary.failed += 1;
        else summary.warnings += 1;
        break;
    }
  }
  return summary;
}

/** True when the run exits 0: nothing failed, no stale baseline entry. */
export function summaryPasses(summary: TestRunSummary): boolean {
  return summary.failed === 0 && summary.stale === 0 && !summary.notRun;
}

/**
 * Blocked checks that fail the run because nothing else does: required (or any, under
 * --strict), and their root cause is not a failure of the run (see the rules above).
 */
export function notRunIds(results: readonly CheckResult[], strict: boolean): Set<string> {
  const byId = new Map(results.map((result) => [result.id, result]));
  const ids = new Set<string>();
  for (const result of results) {
    if (result.status !== 'blocked' || (result.level !== 'required' && !strict)) continue;
    const root = result.blockedBy ? byId.get(result.blockedBy) : undefined;
    if (!root || !failsRun(root, strict)) ids.add(result.id);
  }
  return ids;
}

/**
 * Marks the results notRunIds finds (`notRun`, and a message that says why the run fails),
 * so every reporter lists them with the failures. `file`: the baseline, for the advice.
 */
export function markNotRun(results: readonly CheckResult[], strict: boolean, file = 'the expected-failures file'): CheckResult[] {
  const ids = notRunIds(results, strict);
  if (ids.size === 0) return [...results];
  return results.map((result) => {
    if (!ids.has(result.id)) return result;
    const root = result.blockedBy ?? 'a check it requires';
    const why = results.find((other) => other.id === root)?.status === 'expected-fail' ? 'is listed as an expected failure' : 'is only a warning';
    return {
      ...result,
      notRun: true,
      message: `Not run: it requires ${root}, which failed and ${why}, so this required check never ran and the run cannot pass. Fix ${root}, or list the checks it blocks in ${file} too.`,
    };
  });
}

/** Whether this failed result fails the run (as opposed to a warning). */
export function failsRun(result: CheckResult, strict: boolean): boolean {
  if (result.status === 'stale' || result.notRun === true) return true;
  return result.status === 'fail' && (result.level === 'required' || strict);
}
