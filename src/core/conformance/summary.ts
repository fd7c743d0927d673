/**
 * Counts a run's results and decides its verdict. Kept apart from the runner so reporters,
 * the baseline logic and tests share one definition of "the run passes".
 *
 * Rules: a failed required check fails the run; a failed recommended check is a warning
 * that fails the run only under --strict (then it is counted as failed, not as a
 * warning); a stale expected-failure entry fails the run; skips never do.
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
  return summary.failed === 0 && summary.stale === 0;
}

/** Whether this failed result fails the run (as opposed to a warning). */
export function failsRun(result: CheckResult, strict: boolean): boolean {
  if (result.status === 'stale') return true;
  return result.status === 'fail' && (result.level === 'required' || strict);
}
