/**
 * The steps of a run from the first check on (see run-conformance.ts for the sequence):
 * run the suite, turn its results into the report (crash-aware, masked, baseline
 * applied), stop the plugin and keep the tail of what it printed.
 */
import { throwIfAborted } from '../errors.js';
import { ownVersion } from '../package-root.js';
import { maskSecrets } from '../runtime/mask-secrets.js';
import { applyExpectedFailures } from './expected-failures.js';
import { checkFor } from './request-trail.js';
import type { ConformanceReport, PluginExitReport } from './run-conformance.js';
import { clientOf, configOf, loadedOf, runSecrets, type RunState } from './run-state.js';
import { markNotRun, summarizeResults, summaryPasses } from './summary.js';
import type { CheckResult } from './types.js';

const LOG_TAIL_LINES = 40;

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
  const live = new Map<string, CheckResult>();
  const raw = await runSuite({
    manifest: loadedOf(run).manifest,
    client: clientOf(run),
    mock: run.mock,
    config: configOf(run),
    upstreamField: run.upstreamField,
    checks: run.checks,
    timeoutMs: run.timeoutMs,
    ...(run.options.initializeTimeoutMs ? { initializeTimeoutMs: run.options.initializeTimeoutMs } : {}),
    attached: Boolean(run.options.endpoint),
    profile: run.profile,
    manifestFile: loadedOf(run).file,
    bail: run.options.bail ?? false,
    onNote: (note) => run.notes.push(note),
    trail: run.trail,
    ...(run.signal ? { signal: run.signal } : {}),
    onCheckStart: (check, early) => {
      run.currentCheck = check.id;
      run.trail.current = check.id;
      // A check started early in the background was running, not waiting, when it died.
      if (run.pluginExit && !early) exitedBefore.add(check.id);
      run.emit({ type: 'check-start', check });
    },
    overlap: run.options.overlap ?? true,
    onBackground: (check, state) => {
      // What the plugin logs while it waits is that check's too.
      if (state === 'started') run.backgroundCheck = run.trail.background = check.id;
      else if (state === 'ended') run.backgroundCheck = run.trail.background = undefined;
      else run.emit({ type: 'background', check, alongside: state === 'alongside' });
    },
    onResult: async (result) => {
      // A request the plugin did not answer may be its death: let the exit arrive before saying why.
      // (A timed-out request is a plugin that hangs, not one that died: no wait for it.)
      if (result.status === 'fail' && result.exchange?.status === undefined && result.exchange && !/timed out/.test(result.exchange.responseExcerpt ?? '')) await awaitExit(run);
      const crashed = reroot(crashAware(mask, result, run.pluginExit, exitedBefore, rootFailed(live, run.pluginExit)), live);
      live.set(crashed.id, crashed);
      const [shown] = applyExpectedFailures([crashed], run.baseline, run.baselineName);
      if (shown) run.emit({ type: 'result', result: shown });
    },
  });
  await awaitLateExit(run, raw);
  run.currentCheck = undefined;
  run.timings.checksMs = Math.round(performance.now() - checksAt);
  throwIfAborted(run.signal);
  // The exit may be noticed checks after the request that killed the plugin: every check
  // after the one that sent it met a plugin that was gone.
  const during = run.pluginExit?.duringCheck;
  const at = raw.findIndex((result) => result.id === during);
  if (at >= 0) for (const result of raw.slice(at + 1)) if (result.id !== during) exitedBefore.add(result.id);
  const final = new Map<string, CheckResult>();
  const results = raw.map((result) => {
    const crashed = reroot(crashAware(mask, result, run.pluginExit, exitedBefore, rootFailed(final, run.pluginExit)), final);
    final.set(crashed.id, crashed);
    return crashed;
  });
  return markNotRun(applyExpectedFailures(results, run.baseline, run.baselineName), run.strict, run.baselineName);
}

const LATE_EXIT_WAIT_MS = 300;

/**
 * A plugin that dies in the last check resets the connection before the operating system
 * reports its exit, so the run would end (and stop it) first and call the crash one
 * failed check. When a request got no answer, give the exit a moment to arrive.
 */
async function awaitLateExit(run: RunState, results: CheckResult[]): Promise<void> {
  if (!results.some((result) => result.exchange && result.exchange.status === undefined)) return;
  await awaitExit(run);
}

async function awaitExit(run: RunState): Promise<void> {
  const plugin = run.plugin;
  if (!plugin || run.pluginExit || run.signal?.aborted) return;
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
    tool: { name: 'loom-plugin', version: ownVersion() },
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

/**
 * The crash is one root cause: the check it happened in fails with the request the plugin
 * died on (the runner's own reset request, when it died before the check began), and the
 * checks that failed after it only because it was gone are blocked by that check.
 */
function crashAware(
  mask: (text: string) => string,
  input: CheckResult,
  exit: PluginExitReport | undefined,
  exitedBefore: ReadonlySet<string>,
  /** The check it died in failed: the checks after it can be blocked by it. */
  rootFailed: boolean,
): CheckResult {
  const result = maskResult(input, mask);
  if (!exit || result.status !== 'fail') return result;
  const on = exit.onRequest ? ` on ${exit.onRequest}` : '';
  if (exitedBefore.has(result.id)) {
    if (exit.duringCheck && exit.duringCheck !== result.id && rootFailed) {
      const { exchange: _exchange, ...rest } = result;
      return { ...rest, status: 'blocked', blockedBy: exit.duringCheck, message: `not run: ${exit.message}${on} during ${exit.duringCheck}` };
    }
    return { ...result, message: `${exit.message} before this check ran.`, details: [mask(result.message ?? ''), ...(result.details ?? [])].filter(Boolean) };
  }
  if (exit.duringCheck === result.id && exit.whilePreparing && exit.onRequest) {
    // What the check then saw (a refused request) says nothing: the reset request is the cause.
    const { exchange: _exchange, ...rest } = result;
    const replay = checkFor(exit.onRequest);
    return {
      ...rest,
      message: `${capitalize(exit.message)}${on}, which loom-plugin sent to reset it before this check, so the check itself never ran.`,
      expected: `${exit.onRequest} answers 200 and the plugin keeps running`,
      details: [`What the check saw next: ${mask(result.message ?? 'failed')}`],
      ...(replay ? { replayOnly: replay } : {}),
    };
  }
  if (exit.duringCheck === result.id) {
    return { ...result, message: `${mask(result.message ?? 'failed')} (${exit.message}${on} during this check)` };
  }
  return result;
}

function rootFailed(before: ReadonlyMap<string, CheckResult>, exit: PluginExitReport | undefined): boolean {
  return exit?.duringCheck !== undefined && before.get(exit.duringCheck)?.status === 'fail';
}

/** A check blocked by one that a crash turned into blocked is blocked by the crash's check. */
function reroot(result: CheckResult, before: ReadonlyMap<string, CheckResult>): CheckResult {
  const root = result.status === 'blocked' && result.blockedBy ? before.get(result.blockedBy) : undefined;
  if (root?.status !== 'blocked' || !root.blockedBy) return result;
  return { ...result, blockedBy: root.blockedBy, message: `blocked by ${root.blockedBy}: fix that first` };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
