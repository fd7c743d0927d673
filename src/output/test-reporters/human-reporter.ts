/**
 * The default `loom-plugin test` output for people: one line per check as results come
 * in, grouped by check group, then every failure with its request, the response excerpt,
 * what was expected, a curl line that reproduces it and what the plugin logged, then a
 * summary line. A spinner (on stderr) shows the running check only on a terminal (spinner.ts);
 * otherwise the output is plain lines that read well in CI logs.
 */
import type { ChalkInstance } from 'chalk';
import type { ConformanceEvent, ConformanceReport } from '../../core/conformance/run-conformance.js';
import type { CheckInfo, CheckResult } from '../../core/conformance/types.js';
import type { CliIo, OutStream } from '../io.js';
import { createSpinner } from '../spinner.js';
import { createStyle } from '../style.js';
import { createLinePrinter } from './result-lines.js';
import { blockedByRoot, replayTarget, formatMs, groupResults, sameFailures, isFailure, isWarning } from './shared.js';
import { oneLineSafe as flat, terminalSafe as safe } from '../terminal-safe.js';

export { renderResultLine } from './result-lines.js';

export interface HumanReporter {
  onEvent(event: ConformanceEvent): void;
  /** Prints failures and the summary. */
  finish(report: ConformanceReport): void;
  /** Stops the spinner (before an error message is printed). */
  stop(): void;
}

/** Plugin log lines under a failure report (without a crash). */
const LOG_LINES_SHOWN = 8;

const PHASE_TEXT: Record<string, string> = {
  manifest: 'reading the manifest',
  config: 'resolving the configuration',
  build: 'building the plugin',
  mock: 'starting the mock upstream',
  start: 'starting the plugin',
  checks: 'running checks',
  stop: 'stopping the plugin',
};

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** The detail block of one failure (also used for warnings and stale entries). */
export function renderFailure(result: CheckResult, index: number, report: ConformanceReport, style: ChalkInstance, alsoAffects: readonly string[] = []): string {
  const out: string[] = [];
  const tag = result.status === 'stale' ? 'stale expected failure' : result.level;
  out.push(`${style.bold(`${index}) ${result.id}`)} ${style.dim(`[${tag}]`)} ${result.title}`);
  out.push(`   ${flat(result.message ?? 'failed')}`);
  if (alsoAffects.length > 0) out.push(`   ${style.dim('The same failure also fails:')} ${alsoAffects.join(', ')}`);
  if (result.expected) out.push(`   ${style.dim('Expected:')} ${flat(result.expected)}`);
  for (const detail of result.details ?? []) out.push(`     ${style.dim('·')} ${flat(detail)}`);
  const exchange = result.exchange;
  if (exchange) {
    const status = exchange.status !== undefined ? ` -> ${exchange.status}` : ' -> no response';
    out.push(`   ${style.dim('Request:')}  ${exchange.method} ${exchange.url}${status}${exchange.durationMs !== undefined ? style.dim(` (${formatMs(exchange.durationMs)})`) : ''}`);
    if (exchange.requestBody) out.push(`   ${style.dim('Body:')}     ${flat(exchange.requestBody)}`);
    if (exchange.responseExcerpt !== undefined) out.push(`   ${style.dim('Response:')} ${exchange.responseExcerpt === '' ? style.dim('(empty)') : flat(exchange.responseExcerpt)}`);
    if (exchange.curl) out.push(`   ${style.dim('Reproduce:')}\n${indent(safe(exchange.curl), '     ')}`);
  }
  // One command re-runs just this check; --keep-running leaves the plugin up for the curl line.
  if (result.status !== 'stale') out.push(`   ${style.dim('Replay:')}   loom-plugin test${replayTarget(report.plugin)} --only ${result.replayOnly ?? result.id}${exchange?.curl ? ' --keep-running' : ''}`);
  const logs = report.checkLogs?.[result.id];
  if (logs && logs.length > 0) out.push(`   ${style.dim('Plugin output during this check:')}\n${indent(safe(logs.join('\n')), '     ')}`);
  return out.join('\n');
}

export function renderSummaryLine(report: ConformanceReport, style: ChalkInstance): string {
  const s = report.summary;
  const parts = [style.green(`${s.passed} passed`)];
  if (s.failed) parts.push(style.red(`${s.failed} failed`));
  if (s.warnings) parts.push(style.yellow(`${s.warnings} ${s.warnings === 1 ? 'warning' : 'warnings'}`));
  if (s.expectedFailures) parts.push(style.cyan(`${s.expectedFailures} expected ${s.expectedFailures === 1 ? 'failure' : 'failures'}`));
  if (s.stale) parts.push(style.red(`${s.stale} stale`));
  if (s.blocked) parts.push(s.notRun ? style.red(`${s.blocked} blocked (${s.notRun} required, not run)`) : style.dim(`${s.blocked} blocked`));
  if (s.skipped) parts.push(style.dim(`${s.skipped} skipped`));
  const t = report.timings;
  const phases = [t.buildMs !== undefined ? `build ${formatMs(t.buildMs)}` : undefined, t.startupMs !== undefined ? `start-up ${formatMs(t.startupMs)}` : undefined, `checks ${formatMs(t.checksMs)}`, t.shutdownMs !== undefined ? `shutdown ${formatMs(t.shutdownMs)}` : undefined]
    .filter(Boolean)
    .join(', ');
  const verdict = report.ok ? style.green.bold('PASS') : style.red.bold('FAIL');
  return `${verdict} ${parts.join(', ')} ${style.dim(`in ${formatMs(s.durationMs)} (${phases})`)}`;
}

/** The whole report at once (the streaming reporter prints the same lines as they come). */
export function renderHumanReport(report: ConformanceReport, style: ChalkInstance): string {
  const out: string[] = [];
  const printer = createLinePrinter(style, report.strict, (line) => out.push(line));
  for (const { results } of groupResults(report.results)) for (const result of results) printer.print(result);
  printer.end();
  out.push(renderTail(report, style));
  return `${out.join('\n')}\n`;
}

function renderTail(report: ConformanceReport, style: ChalkInstance): string {
  const out: string[] = [''];
  const failures = report.results.filter((result) => isFailure(result, report.strict));
  const warnings = report.results.filter((result) => isWarning(result, report.strict));
  if (report.pluginExit) {
    out.push(style.red.bold(`The plugin crashed: ${safe(report.pluginExit.message)}${report.pluginExit.onRequest ? ` on ${report.pluginExit.onRequest}` : ''}${report.pluginExit.duringCheck ? ` during ${report.pluginExit.duringCheck}` : ''}.`));
    out.push('');
  }
  let index = 1;
  if (failures.length > 0) {
    out.push(style.red.bold('Failures'), '');
    for (const { result, also } of sameFailures(failures)) out.push(renderFailure(result, index++, report, style, also), '');
  }
  if (warnings.length > 0) {
    out.push(style.yellow.bold('Warnings (recommended checks; they fail the run with --strict)'), '');
    for (const { result, also } of sameFailures(warnings)) out.push(renderFailure(result, index++, report, style, also), '');
  }
  if (report.logTail && (failures.length > 0 || report.pluginExit)) {
    // A crash needs the whole tail; a failure report stays on one screen (JSON keeps it all).
    const lines = report.logTail.replace(/\n+$/, '').split('\n');
    const shown = report.pluginExit ? lines : lines.slice(-LOG_LINES_SHOWN);
    const title = shown.length < lines.length ? `Last ${shown.length} lines the plugin printed (the JSON report has ${lines.length}):` : 'Last lines the plugin printed:';
    out.push(style.dim(title), indent(safe(shown.join('\n')), '  '), '');
  }
  if (report.upstream) {
    const how = report.upstream.how === 'pinned' ? 'pinned with --upstream-dialect' : "detected from the plugin's first upstream request";
    out.push(`${style.dim('Upstream dialect:')} ${report.upstream.title} (${how})`, '');
  }
  for (const note of report.notes ?? []) out.push(`${style.cyan('Note:')} ${flat(note)}`, '');
  for (const { root, ids } of blockedByRoot(report.results)) {
    const cause = report.results.find((result) => result.id === root);
    out.push(
      `${style.red.bold('Fix first:')} ${root}${cause?.message ? `: ${flat(cause.message)}` : ''} ` +
        style.dim(`(${ids.length} ${ids.length === 1 ? 'check depends' : 'checks depend'} on it and did not run)`),
    );
    const notRun = ids.filter((id) => report.results.some((result) => result.id === id && result.notRun));
    if (notRun.length > 0) {
      out.push(style.red.bold(`  ${notRun.length} required ${notRun.length === 1 ? 'check' : 'checks'} never ran, so the run fails although ${root} is accepted: ${notRun.join(', ')}`));
    }
  }
  out.push(renderSummaryLine(report, style));
  return out.join('\n');
}

export async function createHumanReporter(io: CliIo, options: { strict: boolean; stream?: OutStream }): Promise<HumanReporter> {
  const stream = options.stream ?? io.stdout;
  const strict = options.strict;
  const style = createStyle(io, stream);
  const spinner = await createSpinner(io);
  let total = 0;
  let done = 0;
  // Checks of one group do not all run back to back (the error-table checks come last);
  // results are printed in grouped plan order, each as soon as those before it are in.
  let order: string[] = [];
  let next = 0;
  const pending = new Map<string, CheckResult>();
  const printed = new Set<string>();
  const printer = createLinePrinter(style, strict, (line) => write(`${line}\n`));
  const printLine = (result: CheckResult): void => {
    printer.print(result);
    printed.add(result.id);
  };
  const flush = (): void => {
    while (next < order.length) {
      const result = pending.get(order[next] as string);
      if (!result) break;
      printLine(result);
      next += 1;
    }
  };
  // Writes to stdout while the spinner draws on stderr: clear it first, redraw after.
  const write = (text: string): void => {
    if (spinner?.isSpinning) spinner.clear();
    stream.write(text);
    if (spinner?.isSpinning) spinner.render();
  };
  const setSpinner = (text: string): void => {
    if (!spinner) return;
    spinner.text = text;
    if (!spinner.isSpinning) spinner.start(text);
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case 'phase':
          setSpinner(PHASE_TEXT[event.phase] ?? event.phase);
          break;
        case 'plan':
          total = event.checks.length;
          order = groupResults(event.checks).flatMap((entry) => entry.results.map((check) => check.id));
          write(
            `${style.bold(`loom-plugin test${event.name ? ` ${flat(event.name)}` : ''}`)}: ` +
              `${event.mode === 'started' ? `started ${event.command ? `\`${safe(event.command)}\` ` : 'the plugin '}at` : 'attached to'} ${event.endpoint}; ` +
              `running ${total} ${total === 1 ? 'check' : 'checks'}${event.profile ? ` (profile ${event.profile})` : ''}\n\n`,
          );
          break;
        case 'check-start':
          setSpinner(`${event.check.id} (${done + 1}/${total})`);
          break;
        case 'result':
          done += 1;
          pending.set(event.result.id, event.result);
          flush();
          break;
        case 'plugin-exit':
          write(style.red(`  the plugin exited (${event.signal ? `signal ${event.signal}` : `code ${event.code ?? 'unknown'}`})\n`));
          break;
      }
    },
    finish(report) {
      spinner?.stop();
      // Whatever the live stream did not print yet (a run cut short), in grouped order.
      for (const { results } of groupResults(report.results)) {
        for (const result of results) if (!printed.has(result.id)) printLine(result);
      }
      printer.end();
      write(`${renderTail(report, style)}\n`);
    },
    stop() {
      spinner?.stop();
    },
  };
}

/** `--list`: the catalogue as a table for people. */
export function renderCatalogueText(checks: readonly CheckInfo[], style: ChalkInstance): string {
  const width = Math.max(...checks.map((check) => check.id.length), 2);
  const out: string[] = [];
  // One heading per group (catalogue order), as the run report groups them.
  for (const [index, { group, results }] of groupResults(checks).entries()) {
    if (index > 0) out.push('');
    out.push(style.bold(group));
    for (const check of results) {
      const level = check.level === 'required' ? 'required   ' : style.dim('recommended');
      const capability = check.capability ? style.cyan(` [${check.capability}]`) : '';
      out.push(`  ${check.id.padEnd(width)}  ${level}  ${check.title}${capability}`);
    }
  }
  out.push('', style.dim(`${checks.length} checks. Select with --only/--skip (ids or globs such as "errors.*").`));
  return `${out.join('\n')}\n`;
}
