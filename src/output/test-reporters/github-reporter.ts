/**
 * `--reporter github`: GitHub Actions workflow commands on stdout (`::error` for failed
 * required checks, stale baseline entries and a crash; `::warning` for failed
 * recommended checks) attached to the manifest file, plus a Markdown step summary that
 * the command appends to the file named by GITHUB_STEP_SUMMARY when it is set.
 */
import type { CheckResult, TestRunReport } from '../../core/conformance/types.js';
import { escapeData, escapeProperty } from '../diagnostics/github.js';
import { formatMs, groupResults, isFailure, isWarning } from './shared.js';

// One copy of the runner's escaping rules, shared with `validate --reporter github`.
export { escapeData, escapeProperty };

const MAX_DETAILS = 5;

function annotationText(result: CheckResult): string {
  const lines = [result.message ?? 'failed'];
  if (result.expected) lines.push(`Expected: ${result.expected}`);
  // The sentences that say what is wrong and how to fix it ("/timestamp ... has no zone; add one").
  for (const detail of (result.details ?? []).slice(0, MAX_DETAILS)) lines.push(`  · ${detail}`);
  if ((result.details?.length ?? 0) > MAX_DETAILS) lines.push(`  · ... ${(result.details?.length ?? 0) - MAX_DETAILS} more in the JSON report`);
  if (result.exchange) lines.push(`${result.exchange.method} ${result.exchange.url}${result.exchange.status !== undefined ? ` -> ${result.exchange.status}` : ''}`);
  if (result.exchange?.curl) lines.push(`Reproduce: ${result.exchange.curl}`);
  return lines.join('\n');
}

/** The annotations, one workflow command per line. `manifestPath` relative to the repo root. */
export function renderGithubAnnotations(report: TestRunReport, manifestPath?: string): string {
  const file = manifestPath ? `file=${escapeProperty(manifestPath)},` : '';
  const out: string[] = [];
  for (const result of report.results) {
    const level = isFailure(result, report.strict) ? 'error' : isWarning(result, report.strict) ? 'warning' : undefined;
    if (!level) continue;
    const title = escapeProperty(`${result.id} (${result.status === 'stale' ? 'stale expected failure' : result.level})`);
    out.push(`::${level} ${file}title=${title}::${escapeData(annotationText(result))}`);
  }
  const exit = (report as { pluginExit?: { message: string } }).pluginExit;
  if (exit) out.push(`::error ${file}title=${escapeProperty('plugin crashed')}::${escapeData(`${exit.message} while the checks ran.`)}`);
  const s = report.summary;
  out.push(
    `::notice ${file}title=${escapeProperty('loom-plugin test')}::${escapeData(`${report.ok ? 'passed' : 'failed'}: ${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings, ${s.blocked} blocked${s.notRun ? ` (${s.notRun} required, not run)` : ''}, ${s.skipped} skipped`)}`,
  );
  return `${out.join('\n')}\n`;
}

const STATUS_ICON: Record<string, string> = {
  pass: '✅',
  fail: '❌',
  warning: '⚠️',
  skip: '⏭️',
  'expected-fail': '☑️',
  stale: '❗',
  blocked: '⛔',
};

function mdCell(text: string): string {
  return htmlEscape(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Step summaries render HTML: a plugin's message must not inject markup. */
function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Markdown step summary: verdict, counts, a table per group, failure details. */
export function renderGithubSummary(report: TestRunReport): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`## loom-plugin test: ${report.plugin.name ?? report.plugin.endpoint} ${report.ok ? '✅ passed' : '❌ failed'}`);
  out.push('');
  out.push(
    `${s.passed} passed · ${s.failed} failed · ${s.warnings} warnings · ${s.blocked} blocked · ${s.skipped} skipped` +
      `${s.expectedFailures ? ` · ${s.expectedFailures} expected failures` : ''}${s.stale ? ` · ${s.stale} stale baseline entries` : ''}` +
      ` · ${formatMs(s.durationMs)}${report.strict ? ' · strict' : ''}`,
  );
  const exit = (report as { pluginExit?: { message: string } }).pluginExit;
  if (exit) out.push('', `**${exit.message} while the checks ran.**`);
  if (report.upstream) out.push('', `Upstream dialect: ${htmlEscape(report.upstream.title)} (${report.upstream.how})`);
  for (const note of report.notes ?? []) out.push('', `> **Note:** ${note}`);
  out.push('', '| | Check | Level | Result |', '|---|---|---|---|');
  for (const { results } of groupResults(report.results)) {
    for (const result of results) {
      // A check not run that fails the run shows as the failure it is, with why it never ran.
      const key = result.notRun ? 'fail' : isWarning(result, report.strict) ? 'warning' : result.status;
      const note = result.status === 'pass' ? 'pass' : result.status === 'blocked' && !result.notRun ? `blocked by ${result.blockedBy ?? '?'}` : (result.message ?? result.status);
      out.push(`| ${STATUS_ICON[key] ?? ''} | \`${result.id}\` ${mdCell(result.title)} | ${result.level} | ${mdCell(note)} |`);
    }
  }
  const failures = report.results.filter((result) => isFailure(result, report.strict) || isWarning(result, report.strict));
  for (const result of failures) {
    out.push('', `<details><summary><code>${result.id}</code>: ${mdCell(result.message ?? 'failed')}</summary>`, '');
    out.push('```text', annotationText(result).replace(/```/g, "'''"), '```', '</details>');
  }
  return `${out.join('\n')}\n`;
}
