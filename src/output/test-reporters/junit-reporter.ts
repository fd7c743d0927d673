/**
 * `--reporter junit`: JUnit XML as GitLab (artifacts:reports:junit) and Jenkins (junit
 * step) read it: <testsuites> with one <testsuite> per check group and one <testcase>
 * per check. Failed required checks and stale baseline entries are <failure>; skips are
 * <skipped>; a failed recommended check (a warning outside --strict) and an expected
 * failure pass, with the reason in <system-out> so it is visible without turning CI red.
 */
import type { CheckResult, TestRunReport } from '../../core/conformance/types.js';
import { groupResults, isFailure, isWarning, oneLine } from './shared.js';
import { xmlEscape } from '../xml-escape.js';

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function failureBody(result: CheckResult): string {
  const lines: string[] = [];
  if (result.message) lines.push(result.message);
  if (result.expected) lines.push(`Expected: ${result.expected}`);
  for (const detail of result.details ?? []) lines.push(`  ${detail}`);
  const exchange = result.exchange;
  if (exchange) {
    lines.push(`Request: ${exchange.method} ${exchange.url}${exchange.status !== undefined ? ` -> ${exchange.status}` : ''}`);
    if (exchange.requestBody) lines.push(`Request body: ${exchange.requestBody}`);
    if (exchange.responseExcerpt) lines.push(`Response: ${exchange.responseExcerpt}`);
    if (exchange.curl) lines.push(`Reproduce: ${exchange.curl}`);
  }
  return lines.join('\n');
}

function testcase(result: CheckResult, group: string, strict: boolean): string {
  const open = `    <testcase classname="loom-plugin.${xmlEscape(group)}" name="${xmlEscape(`${result.id}: ${result.title}`)}" time="${seconds(result.durationMs)}"`;
  if (isFailure(result, strict)) {
    const type = result.status === 'stale' ? 'stale-expected-failure' : result.level;
    return `${open}>\n      <failure message="${xmlEscape(oneLine(result.message ?? 'failed'))}" type="${type}">${xmlEscape(failureBody(result))}</failure>\n    </testcase>`;
  }
  if (result.status === 'skip') {
    return `${open}>\n      <skipped message="${xmlEscape(oneLine(result.message ?? 'skipped'))}"/>\n    </testcase>`;
  }
  // Not run because its prerequisite failed: the root cause is the one failure to count.
  if (result.status === 'blocked') {
    return `${open}>\n      <skipped message="${xmlEscape(oneLine(`blocked by ${result.blockedBy ?? '?'}`))}"/>\n    </testcase>`;
  }
  if (isWarning(result, strict) || result.status === 'expected-fail') {
    const prefix = result.status === 'expected-fail' ? 'Expected failure' : 'Warning (recommended check)';
    return `${open}>\n      <system-out>${xmlEscape(`${prefix}: ${failureBody(result)}`)}</system-out>\n    </testcase>`;
  }
  return `${open}/>`;
}

export function renderJunitReport(report: TestRunReport): string {
  const strict = report.strict;
  const groups = groupResults(report.results);
  const count = (results: readonly CheckResult[]) => ({
    tests: results.length,
    failures: results.filter((result) => isFailure(result, strict)).length,
    // A check not run that fails the run is a failure, counted once (not also skipped).
    skipped: results.filter((result) => !isFailure(result, strict) && (result.status === 'skip' || result.status === 'blocked')).length,
    time: results.reduce((sum, result) => sum + result.durationMs, 0),
  });
  const all = count(report.results);
  const exit = (report as { pluginExit?: { message: string } }).pluginExit;
  if (exit) {
    all.tests += 1;
    all.failures += 1;
  }
  const name = `loom-plugin test ${report.plugin.name ?? report.plugin.endpoint}`;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${xmlEscape(name)}" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}" time="${seconds(report.summary.durationMs)}">`,
  );
  for (const { group, results } of groups) {
    const c = count(results);
    out.push(
      `  <testsuite name="${xmlEscape(group)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${seconds(c.time)}" timestamp="${xmlEscape(report.startedAt.replace(/\.\d+Z$/, ''))}">`,
    );
    for (const result of results) out.push(testcase(result, group, strict));
    out.push('  </testsuite>');
  }
  if (report.logTail || exit) {
    // Suite-level output: where the plugin's last log lines end up in CI viewers.
    const text = [exit ? `${exit.message}.` : '', report.logTail ?? ''].filter(Boolean).join('\n');
    out.push(`  <testsuite name="plugin" tests="${exit ? 1 : 0}" failures="${exit ? 1 : 0}" errors="0" skipped="0" time="0">`);
    if (exit) {
      out.push(`    <testcase classname="loom-plugin.plugin" name="plugin.process: the plugin keeps running" time="0">`);
      out.push(`      <failure message="${xmlEscape(oneLine(exit.message))}" type="crash">${xmlEscape(text)}</failure>`);
      out.push('    </testcase>');
    }
    out.push(`    <system-out>${xmlEscape(text)}</system-out>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** A run that could not start (plugin start-up, manifest): one failing testcase saying why. */
export function renderJunitError(error: { code: string; message: string; hint?: string | undefined; details?: Record<string, unknown> | undefined }): string {
  const tail = typeof error.details?.stderrTail === 'string' ? error.details.stderrTail : '';
  const build = typeof error.details?.buildOutput === 'string' ? error.details.buildOutput : '';
  const body = [error.message, error.hint ?? '', build ? `Build output:\n${build}` : '', tail ? `Last stderr lines:\n${tail}` : ''].filter(Boolean).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="loom-plugin test" tests="1" failures="1" errors="0" skipped="0" time="0">',
    '  <testsuite name="plugin" tests="1" failures="1" errors="0" skipped="0" time="0">',
    '    <testcase classname="loom-plugin.plugin" name="plugin.start: the plugin starts and answers /health" time="0">',
    `      <failure message="${xmlEscape(oneLine(error.message))}" type="${xmlEscape(error.code)}">${xmlEscape(body)}</failure>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
