/**
 * The one-line-per-check part of the human report: a symbol, the id, the time and a note
 * per result, under group headings; consecutive results with the same root cause (blocked
 * by one failure, or not run because of --bail) share one line.
 */
import type { ChalkInstance } from 'chalk';
import type { CheckResult } from '../../core/conformance/types.js';
import { formatMs, groupOf, isWarning } from './shared.js';
import { oneLineSafe as flat } from '../terminal-safe.js';

function symbol(result: CheckResult, strict: boolean, style: ChalkInstance): string {
  if (isWarning(result, strict)) return style.yellow('!');
  switch (result.status) {
    case 'pass':
      return style.green('✓');
    case 'fail':
      return style.red('✗');
    case 'stale':
      return style.red('✗');
    case 'expected-fail':
      return style.cyan('✓');
    case 'skip':
      return style.dim('-');
    case 'blocked':
      return style.dim('○');
  }
}

function statusNote(result: CheckResult, strict: boolean, style: ChalkInstance): string {
  if (isWarning(result, strict)) return style.yellow(`warning: ${flat(result.message ?? 'failed')}`);
  switch (result.status) {
    case 'pass':
      return '';
    case 'skip':
      return style.dim(`skipped: ${flat(result.message ?? '')}`);
    case 'expected-fail':
      return style.cyan('expected failure');
    case 'stale':
      return style.red(flat(result.message ?? 'stale expected failure'));
    case 'fail':
      return style.red(flat(result.message ?? 'failed'));
    case 'blocked':
      return style.dim(`blocked by ${result.blockedBy ?? '?'}`);
  }
}

export function renderResultLine(result: CheckResult, strict: boolean, style: ChalkInstance): string {
  const level = result.level === 'recommended' ? style.dim(' (recommended)') : '';
  const note = statusNote(result, strict, style);
  const time = result.status === 'skip' || result.status === 'blocked' ? '' : style.dim(` ${formatMs(result.durationMs)}`);
  return `  ${symbol(result, strict, style)} ${result.id}${level}${time}${note ? `  ${note}` : ''}`;
}

/**
 * Prints result lines under group headings. Consecutive checks blocked by the same root
 * cause share one line (on the heading's line when they open the group): one mistake
 * stays a few lines, however many checks depend on it.
 */
export function createLinePrinter(style: ChalkInstance, strict: boolean, write: (line: string) => void) {
  let group: string | undefined;
  let run: { group: string; label: string; ids: string[] } | undefined;
  const endRun = (): void => {
    if (!run) return;
    const text = style.dim(`○ ${run.ids.length} ${run.label}: ${run.ids.join(', ')}`);
    if (run.group !== group) write(`${style.bold(run.group)}  ${text}`);
    else write(`  ${text}`);
    group = run.group;
    run = undefined;
  };
  return {
    print(result: CheckResult): void {
      const current = groupOf(result.id);
      const label = collapsedLabel(result);
      if (label) {
        if (run && (run.group !== current || run.label !== label)) endRun();
        run ??= { group: current, label, ids: [] };
        run.ids.push(result.id);
        return;
      }
      endRun();
      if (current !== group) write(style.bold(current));
      group = current;
      write(renderResultLine(result, strict, style));
    },
    end: endRun,
  };
}

/** Results that share a line with their neighbours: blocked ones, and those --bail did not run. */
function collapsedLabel(result: CheckResult): string | undefined {
  if (result.status === 'blocked') return `blocked by ${result.blockedBy ?? '?'}`;
  if (result.status === 'skip' && result.message?.startsWith('not run: --bail')) return 'not run (--bail)';
  return undefined;
}

