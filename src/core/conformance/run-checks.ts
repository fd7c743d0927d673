/**
 * The steps of a run from the first check on (see run-conformance.ts for the sequence):
 * run the suite, turn its results into the report (crash-aware, masked, baseline
 * applied), stop the plugin and keep the tail of what it printed.
 */
import { throwIfAborted } from '../errors.js';
import { ownVersion } from '../package-root.js';
import { maskSecrets } from '../runtime/mask-secrets.js';
import { applyExpectedFailures } from './expected-failures.js';
import type { ConformanceReport, PluginExitReport } from './run-conformance.js';
import { clientOf, configOf, loadedOf, runSecrets, type RunState } from './run-state.js';
import { markNotRun, summarizeResults, summaryPasses } from './summary.js';
import type { CheckResult } from './types.js';

const LOG_TAIL_LINES = 40;

function toolVersion(): string {
  try {
    return ownVersion() ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function maskFor(run: RunState): (text: string) => string {
  return (text) => maskSecrets(text, runSecrets(run));
}

/** Runs the selected checks; each result is reported (masked, baseline applied) as it comes. */
export async function runChecks(run: RunState): Promise<CheckResult[]> {
  run.emit({ type: 'phase', phase: 'checks' });
  const { runSuite } = await import('./run-suite.js');
  const mask = maskFor(run);
  const checksAt = performance.now();
  const exitedBefore = new Set<string>();
  const raw = await runSuite({
    manifest: loadedOf(run).manifest,
    client: clientOf(run),
    mock: run.mock,
    config: configOf(run),
    upstreamField: run.upstreamField,
    checks: run.checks,
    timeoutMs: run.timeoutMs,
    attached: Boolean(run.options.endpoint),
    profile: run.profile,
    manifestFile: loadedOf(run).file,
    bail: run.options.bail ?? false,
    onNote: (note) => run.notes.push(note),
    ...(run.signal ? { signal: run.signal } : {}),
    onCheckStart: (check, early) => {
      run.currentCheck = check.id;
      // A check started early in the background was running, not waiting, when it died.
      if (run.pluginExit && !early) exitedBefore.add(check.id);
      run.emit({ type: 'check-start', check });
    },
    overlap: run.options.overlap ?? true,
    onBackground: (check, state) => {
      // What the plugin logs while it waits is that check's too.
      if (state === 'started') run.backgroundCheck = check.id;
      else if (state === 'ended') run.backgroundCheck = undefined;
      else run.emit({ type: 'background', check, alongside: state === 'alongside' });
    },
    onResult: (result) => {
      const [shown] = applyExpectedFailures([crashAware(mask, result, run.pluginExit, exitedBefore)], run.baseline, run.baselineName);
      if (shown) run.emit({ type: 'result', result: shown });
    },
  });
  await awaitLateExit(run, raw);
  run.currentCheck = undefined;
  run.timings.checksMs = Math.round(performance.now() - checksAt);
  throwIfAborted(run.signal);
  const results = raw.map((result) => crashAware(mask, result, run.pluginExit, exitedBefore));
  return markNotRun(applyExpectedFailures(results, run.baseline, run.baselineName), run.strict, run.baselineName);
}

const LATE_EXIT_WAIT_MS = 300;

/**
 * A plugin that dies in the last check resets the connection before the operating system
 * reports its exit, so the run would end (and stop it) first and call the crash one
 * failed check. When a request got no answer, give the exit a moment to arrive.
 */
async function awaitLateExit(run: RunState, results: CheckResult[]): Promise<void> {
  const plugin = run.plugin;
  if (!plugin || run.pluginExit || run.signal?.aborted) return;
  if (!results.some((result) => result.exchange && result.exchange.status === undefined)) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([plugin.exited, new Promise((done) => (timer = setTimeout(done, LATE_EXIT_WAIT_MS)))]);
  clearTimeout(timer);
}

export function buildReport(run: RunState, results: CheckResult[]): ConformanceReport {
  const loaded = loadedOf(run);
  const mask = maskFor(run);
  const summary = summarizeResults(results, run.strict, Date.now() - run.startedAt.getTime());
  const notes = run.notes.map(mask);
  const report: ConformanceReport = {
    reportVersion: 1,
    tool: { name: 'loom-plugin', version: toolVersion() },
    plugin: {
      name: loaded.manifest.metadata.name,
      providerType: loaded.manifest.metadata.provider_type,
      manifest: loaded.file,
      endpoint: run.baseUrl ?? '',
      mode: run.options.endpoint ? 'attached' : 'started',
    },
    startedAt: run.startedAt.toISOString(),
    strict: run.strict,
    profile: run.profile,
    results,
    summary,
    timings: run.timings,
    ok: summaryPasses(summary) && !run.pluginExit,
    ...(notes.length > 0 ? { notes } : {}),
    ...(run.mock?.dialect ? { upstream: { dialect: run.mock.dialect, title: run.mock.dialectTitle ?? run.mock.dialect, how: run.mock.pinned ? ('pinned' as const) : ('detected' as const) } } : {}),
    ...(run.pluginExit ? { pluginExit: { ...run.pluginExit, message: mask(run.pluginExit.message) } } : {}),
  };
  const checkLogs: Record<string, string[]> = {};
  for (const result of results) {
    const lines = run.logsByCheck.get(result.id);
    if (lines && (result.status === 'fail' || result.status === 'stale')) checkLogs[result.id] = lines.map(mask);
  }
  if (Object.keys(checkLogs).length > 0) report.checkLogs = checkLogs;
  return report;
}

/** Stops a started plugin before reading its log tail, so the tail has what it said on the way out. */
export async function stopPluginProcess(run: RunState, report: ConformanceReport): Promise<void> {
  const plugin = run.plugin;
  if (plugin) {
    run.emit({ type: 'phase', phase: 'stop' });
    const stopAt = performance.now();
    run.stopping = true;
    await plugin.stop();
    run.timings.shutdownMs = Math.round(performance.now() - stopAt);
    const tail = plugin.logs.tail(LOG_TAIL_LINES);
    if (tail.trim() !== '') report.logTail = maskFor(run)(tail);
    run.plugin = undefined;
  }
  report.summary.durationMs = Date.now() - run.startedAt.getTime();
}

/** The checks that ran after the plugin died failed because of that: say so. */
function crashAware(
  mask: (text: string) => string,
  input: CheckResult,
  exit: PluginExitReport | undefined,
  exitedBefore: ReadonlySet<string>,
): CheckResult {
  const result = maskResult(input, mask);
  if (!exit || result.status !== 'fail') return result;
  if (exitedBefore.has(result.id)) {
    return { ...result, message: `${exit.message} before this check ran.`, details: [mask(result.message ?? ''), ...(result.details ?? [])].filter(Boolean) };
  }
  if (exit.duringCheck === result.id) {
    return { ...result, message: `${mask(result.message ?? 'failed')} (${exit.message} during this check)` };
  }
  return result;
}

/** Belt and braces: the suite masks its messages, and so do we, for every text field. */
export function maskResult(result: CheckResult, mask: (text: string) => string): CheckResult {
  const masked: CheckResult = { ...result };
  if (masked.message !== undefined) masked.message = mask(masked.message);
  if (masked.expected !== undefined) masked.expected = mask(masked.expected);
  if (masked.details) masked.details = masked.details.map(mask);
  if (masked.exchange) {
    const exchange = { ...masked.exchange, url: mask(masked.exchange.url) };
    if (exchange.requestBody !== undefined) exchange.requestBody = mask(exchange.requestBody);
    if (exchange.responseExcerpt !== undefined) exchange.responseExcerpt = mask(exchange.responseExcerpt);
    if (exchange.curl !== undefined) exchange.curl = mask(exchange.curl);
    masked.exchange = exchange;
  }
  return masked;
}
