/**
 * The repository keeps no output of a profiling session (Node's --trace-events file,
 * V8 logs, CPU and heap profiles): they hold process ids and timings of one machine,
 * and `bench/` prints what a change is worth instead. Runs where the checkout is a git
 * repository (CI's clean clone is).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const PROFILER_OUTPUT = /(^|\/)(node_trace\.\d+\.log|isolate-[^/]*\.log|[^/]*\.cpuprofile|[^/]*\.heapprofile|[^/]*\.heapsnapshot)$/;

function trackedFiles(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

describe('repository files', () => {
  const files = trackedFiles();
  it.skipIf(files === undefined)('tracks no profiler output', () => {
    expect(files!.length).toBeGreaterThan(100);
    expect(files!.filter((file) => PROFILER_OUTPUT.test(file))).toEqual([]);
  });
});
