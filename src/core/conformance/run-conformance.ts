/**
 * The programmatic `loom-plugin test`: manifest -> config -> mock upstream -> plugin ->
 * suite -> stop -> report. It never prints; progress goes to `onEvent`, the outcome is a
 * `TestRunReport`, and anything that stops the run early is a `LoomPluginError`:
 *
 *   E_MANIFEST_INVALID (exit 1)  details.diagnostics holds the validate findings
 *   E_PLUGIN_START / E_PLUGIN_NOT_READY (exit 3)  from the runtime, details.stderrTail
 *   E_PLUGIN_UNREACHABLE (exit 3)  --endpoint given but nothing answers there
 *   E_INTERRUPTED (exit 130)  the signal fired; the plugin was stopped first
 *
 * A plugin that crashes during the checks does not throw: the report carries `pluginExit`
 * and the checks that ran after the crash fail with "the plugin exited (code N)". The CLI
 * maps that to exit 3 (the plugin crashed) after printing the report.
 *
 * Runtime modules are imported on demand: they pull in undici and yaml, which a caller
 * that only wants the types or `--list` should not pay for.
 */
import { hostNotes } from './host-notes.js';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { InterruptedError, LoomPluginError, throwIfAborted } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { ExitInfo, RunningPlugin } from '../runtime/plugin-process.js';
import type { MockUpstream } from '../runtime/mock-upstream.js';
import type { PluginClient } from '../runtime/http-client.js';
import type { ResolvedConfig } from '../runtime/config.js';
import { applyExpectedFailures, loadExpectedFailures, type ExpectedFailure } from './expected-failures.js';
import { summarizeResults, summaryPasses } from './summary.js';
import type { CheckInfo, CheckResult, TestRunReport } from './types.js';

export interface RunConformanceOptions {
  /** Plugin folder or manifest file, relative to cwd. Default `.`. */
  dir?: string;
  cwd?: string;
  /** Where LOOM_CONFIG_<NAME> values are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Attach to a plugin that is already running here; nothing is started or stopped. */
  endpoint?: string;
  /** How long to wait for /health after starting. Default 30 s. */
  startupTimeoutMs?: number;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  only?: string[];
  skip?: string[];
  /** Recommended checks fail the run too. */
  strict?: boolean;
  /** A baseline file (YAML list of ids), or the entries themselves. */
  expectedFailures?: string | ExpectedFailure[];
  /** JSON or YAML file with /initialize values. */
  configFile?: string;
  /** Config field that receives the mock upstream URL. Default `endpoint`. */
  upstreamField?: string;
  signal?: AbortSignal;
  onEvent?: (event: ConformanceEvent) => void;
}

export type ConformancePhase = 'manifest' | 'config' | 'mock' | 'start' | 'checks' | 'stop';

export type ConformanceEvent =
  | { type: 'phase'; phase: ConformancePhase; detail?: string }
  | { type: 'plan'; checks: readonly CheckInfo[]; endpoint: string; mode: 'started' | 'attached'; name?: string; command?: string }
  | { type: 'check-start'; check: CheckInfo }
  | { type: 'result'; result: CheckResult }
  | { type: 'plugin-exit'; code: number | null; signal: string | null };

/** Set when a started plugin exited on its own while the checks ran. */
export interface PluginExitReport {
  code: number | null;
  signal: string | null;
  /** Id of the check that was running when it exited. */
  duringCheck?: string;
  message: string;
}

export interface ConformanceReport extends TestRunReport {
  pluginExit?: PluginExitReport;
  /** For failed checks of a started plugin: what it logged while that check ran (masked). */
  checkLogs?: Record<string, string[]>;
}

const LOG_TAIL_LINES = 40;
/** Lines of plugin output kept per check, for the failure report. */
const CHECK_LOG_LINES = 20;

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Loads the manifest, or throws E_MANIFEST_INVALID with the diagnostics in details. */
export async function loadManifestForTest(dir: string, cwd: string): Promise<{ manifest: Manifest; file: string; dir: string }> {
  const { loadPluginManifest } = await import('../manifest/load-plugin-manifest.js');
  const result = await loadPluginManifest(dir, cwd);
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (!result.manifest || errors.length > 0) {
    throw new LoomPluginError(
      'E_MANIFEST_INVALID',
      `The manifest ${result.file} has ${errors.length === 1 ? '1 error' : `${errors.length} errors`}; fix it before testing the plugin.`,
      { hint: 'Run loom-plugin validate to check the manifest again after editing it.', details: { file: result.file, diagnostics: result.diagnostics } },
    );
  }
  return { manifest: result.manifest, file: result.file, dir: result.dir };
}

function hasField(manifest: Manifest, name: string): boolean {
  return (manifest.metadata.config_schema ?? []).some((field) => field.name === name);
}

function describeExit(info: ExitInfo): string {
  return info.signal ? `the plugin exited (signal ${info.signal})` : `the plugin exited (code ${info.code ?? 'unknown'})`;
}

export async function runConformance(options: RunConformanceOptions = {}): Promise<ConformanceReport> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const signal = options.signal;
  const strict = options.strict ?? false;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const upstreamField = options.upstreamField ?? 'endpoint';
  const emit = (event: ConformanceEvent): void => options.onEvent?.(event);
  const startedAt = new Date();
  throwIfAborted(signal);

  // Selection and baseline first: a typo in --only or the baseline is a usage error that
  // must not cost a plugin start.
  const { CHECKS, selectChecks } = await import('./catalogue.js');
  const checks = selectChecks(options.only ?? [], options.skip ?? []);
  const baseline =
    typeof options.expectedFailures === 'string'
      ? await loadExpectedFailures(options.expectedFailures, cwd, CHECKS)
      : (options.expectedFailures ?? []);
  const baselineName = typeof options.expectedFailures === 'string' ? options.expectedFailures : undefined;

  emit({ type: 'phase', phase: 'manifest' });
  const loaded = await loadManifestForTest(options.dir ?? '.', cwd);
  const { manifest } = loaded;

  emit({ type: 'phase', phase: 'config' });
  const [{ resolveConfig, maskSecrets, configToEnv }, { startMockUpstream }, { PluginClient: Client }, runtime] = await Promise.all([
    import('../runtime/config.js'),
    import('../runtime/mock-upstream.js'),
    import('../runtime/http-client.js'),
    import('../runtime/plugin-process.js'),
  ]);
  const config: ResolvedConfig = await resolveConfig(manifest, {
    ...(options.configFile ? { configFile: resolve(cwd, options.configFile) } : {}),
    env,
    generate: true,
  });

  let mock: MockUpstream | undefined;
  let plugin: RunningPlugin | undefined;
  let client: PluginClient | undefined;
  let stopping = false;
  let currentCheck: string | undefined;
  let pluginExit: PluginExitReport | undefined;
  const logsByCheck = new Map<string, string[]>();
  const timings: TestRunReport['timings'] = { checksMs: 0 };
  const secrets = (): string[] => [...config.secrets, ...(mock ? [mock.apiKey] : [])].filter((s) => s.length > 0);
  const mask = (text: string): string => maskSecrets(text, secrets());

  try {
    emit({ type: 'phase', phase: 'mock' });
    const apiKey = config.values.api_key;
    // The mock checks the Bearer key only when the plugin has an `api_key` field to send it
    // (contract: a plugin without credentials must not meet 401s on every chat).
    mock = await startMockUpstream({
      ...(typeof apiKey === 'string' && apiKey !== '' ? { apiKey } : {}),
      requireAuth: hasField(manifest, 'api_key'),
    });
    // The plugin talks to the mock, never to a real provider, whatever the config says.
    if (hasField(manifest, upstreamField)) {
      config.values[upstreamField] = mock.url;
      config.sources[upstreamField] = 'override';
    }
    if (hasField(manifest, 'api_key')) {
      config.values.api_key = mock.apiKey;
      config.sources.api_key = 'override';
      if (!config.secrets.includes(mock.apiKey)) config.secrets.push(mock.apiKey);
    }
    throwIfAborted(signal);

    let baseUrl: string;
    if (options.endpoint) {
      baseUrl = options.endpoint.replace(/\/+$/, '');
      emit({ type: 'plan', checks, endpoint: baseUrl, mode: 'attached', name: manifest.metadata.name });
    } else {
      emit({ type: 'phase', phase: 'start', detail: manifest.command ?? '' });
      const port = await runtime.findFreePort('127.0.0.1');
      const startAt = performance.now();
      plugin = await runtime.startPlugin({
        manifest,
        manifestDir: loaded.dir,
        port,
        // The shipped host initializes with `{}`: the plugin gets its config from env too.
        env: configToEnv(config.values),
        startupTimeoutMs: options.startupTimeoutMs ?? 30_000,
        ...(signal ? { signal } : {}),
        onLog: (line) => {
          if (!currentCheck) return;
          const lines = logsByCheck.get(currentCheck) ?? [];
          lines.push(`[${line.stream}] ${line.text}`);
          if (lines.length > CHECK_LOG_LINES) lines.shift();
          logsByCheck.set(currentCheck, lines);
        },
        onExit: (info) => {
          if (stopping) return;
          pluginExit = {
            code: info.code,
            signal: info.signal,
            ...(currentCheck ? { duringCheck: currentCheck } : {}),
            message: describeExit(info),
          };
          emit({ type: 'plugin-exit', code: info.code, signal: info.signal });
        },
      });
      timings.startupMs = Math.round(performance.now() - startAt);
      baseUrl = plugin.baseUrl;
      emit({
        type: 'plan',
        checks,
        endpoint: baseUrl,
        mode: 'started',
        name: manifest.metadata.name,
        command: [manifest.command ?? '', ...(manifest.args ?? [])].join(' '),
      });
    }

    client = new Client(baseUrl, { timeoutMs });
    if (options.endpoint) await assertReachable(client, baseUrl);

    emit({ type: 'phase', phase: 'checks' });
    const { runSuite } = await import('./run-suite.js');
    const checksAt = performance.now();
    const exitedBefore = new Set<string>();
    const raw = await runSuite({
      manifest,
      client,
      mock,
      config,
      upstreamField,
      checks,
      timeoutMs,
      attached: Boolean(options.endpoint),
      ...(signal ? { signal } : {}),
      onCheckStart: (check) => {
        currentCheck = check.id;
        if (pluginExit) exitedBefore.add(check.id);
        emit({ type: 'check-start', check });
      },
      onResult: (result) => {
        const [shown] = applyExpectedFailures([crashAware(mask, result, pluginExit, exitedBefore)], baseline, baselineName);
        if (shown) emit({ type: 'result', result: shown });
      },
    });
    currentCheck = undefined;
    timings.checksMs = Math.round(performance.now() - checksAt);
    throwIfAborted(signal);

    let results = raw.map((result) => crashAware(mask, result, pluginExit, exitedBefore));
    results = applyExpectedFailures(results, baseline, baselineName);
    const summary = summarizeResults(results, strict, Date.now() - startedAt.getTime());

    const notes = options.endpoint ? [] : hostNotes(loaded.file);
    const report: ConformanceReport = {
      reportVersion: 1,
      tool: { name: 'loom-plugin', version: toolVersion() },
      plugin: {
        name: manifest.metadata.name,
        providerType: manifest.metadata.provider_type,
        manifest: loaded.file,
        endpoint: baseUrl,
        mode: options.endpoint ? 'attached' : 'started',
      },
      startedAt: startedAt.toISOString(),
      strict,
      results,
      summary,
      timings,
      ok: summaryPasses(summary) && !pluginExit,
      ...(notes.length > 0 ? { notes } : {}),
      ...(pluginExit ? { pluginExit: { ...pluginExit, message: mask(pluginExit.message) } } : {}),
    };
    const checkLogs: Record<string, string[]> = {};
    for (const result of results) {
      const lines = logsByCheck.get(result.id);
      if (lines && (result.status === 'fail' || result.status === 'stale')) checkLogs[result.id] = lines.map(mask);
    }
    if (Object.keys(checkLogs).length > 0) report.checkLogs = checkLogs;
    // Stop before reading the log tail, so it includes what the plugin said on the way out.
    if (plugin) {
      emit({ type: 'phase', phase: 'stop' });
      const stopAt = performance.now();
      stopping = true;
      await plugin.stop();
      timings.shutdownMs = Math.round(performance.now() - stopAt);
      const tail = plugin.logs.tail(LOG_TAIL_LINES);
      if (tail.trim() !== '') report.logTail = mask(tail);
      plugin = undefined;
    }
    summary.durationMs = Date.now() - startedAt.getTime();
    return report;
  } catch (error) {
    if (signal?.aborted && !(error instanceof InterruptedError)) throw new InterruptedError();
    if (error instanceof LoomPluginError && typeof error.details?.stderrTail === 'string') {
      // Start-up failures quote the plugin's stderr: mask it like everything else.
      (error.details as Record<string, unknown>).stderrTail = mask(error.details.stderrTail as string);
    }
    throw error;
  } finally {
    // Always: a thrown check, a usage error or Ctrl+C must never leave the plugin running.
    stopping = true;
    await Promise.allSettled([plugin?.stop(), client?.close(), mock?.close()]);
  }
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

/** --endpoint: fail early and clearly when nothing listens there. */
async function assertReachable(client: PluginClient, baseUrl: string): Promise<void> {
  const exchange = await client.request('GET', '/health');
  if (exchange.error && (exchange.error.kind === 'connect' || exchange.error.kind === 'reset')) {
    throw new LoomPluginError('E_PLUGIN_UNREACHABLE', `Nothing answers at ${baseUrl} (${exchange.error.message}).`, {
      hint: 'Start the plugin first, or drop --endpoint to let loom-plugin start it from its manifest.',
    });
  }
}
