/**
 * The programmatic `loom-plugin test`: manifest -> config -> mock upstream -> plugin ->
 * suite -> stop -> report. It never prints; progress goes to `onEvent`, the outcome is a
 * `TestRunReport`, and anything that stops the run early is a `LoomPluginError`:
 *
 *   E_MANIFEST_INVALID (exit 1)  details.diagnostics holds the validate findings
 *   E_BUILD_FAILED (exit 3)  the build before the start failed, details.buildOutput
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
import { InterruptedError, LoomPluginError, throwIfAborted } from '../errors.js';
import type { ExpectedFailure } from './expected-failures.js';
import { buildReport, maskFor, runChecks, stopPluginProcess } from './run-checks.js';
import { holdRun, type HeldRun } from './run-hold.js';
import { attachToPlugin, buildPlugin, readManifest, resolveRunConfig, selectRun, startPluginProcess, startUpstream } from './run-setup.js';
import { createRunState } from './run-state.js';
import type { DialectName } from '../runtime/dialects/types.js';
import type { CheckInfo, CheckResult, TestProfile, TestRunReport } from './types.js';

export { loadManifestForTest } from './run-setup.js';
export { maskResult } from './run-checks.js';
export type { HeldRun } from './run-hold.js';

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
  /**
   * How long POST /initialize may take (default timeoutMs). The CLI passes the host's
   * 30 s unless --timeout was given: a slow start the host accepts must pass.
   */
  initializeTimeoutMs?: number;
  only?: string[];
  skip?: string[];
  /** Recommended checks fail the run too, and so do manifest warnings. */
  strict?: boolean;
  /**
   * Whose rules to enforce: `loom-host` (default), the shipped host's; `guide`, the
   * development guide's contract, with the host's own rules as notes.
   */
  profile?: TestProfile;
  /** Stop at the first failed required check. */
  bail?: boolean;
  /**
   * false: every check in its catalogue place, one at a time. Default true: the upstream
   * timeout check waits in the background when the plugin serves requests side by side
   * (see background-check.ts); the results and their order are the same either way.
   */
  overlap?: boolean;
  /** A baseline file (YAML list of ids), or the entries themselves. */
  expectedFailures?: string | ExpectedFailure[];
  /** JSON or YAML file with /initialize values. */
  configFile?: string;
  /** Config field that receives the mock upstream URL. Default `endpoint`. */
  upstreamField?: string;
  /** The provider dialect the mock speaks; default: detected from the plugin's first request. */
  upstreamDialect?: DialectName;
  /**
   * false: start no mock upstream and leave the upstream field as configured (for an
   * upstream of your own); the checks that need the mock are skipped. Default true.
   */
  mockUpstream?: boolean;
  /** false: start what is there without building it first (a stale binary is noted). */
  build?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: ConformanceEvent) => void;
  /**
   * Keep the plugin and the mock up after the checks until the returned promise settles
   * (`test --keep-running`): called with the report and where things answer. See run-hold.ts.
   */
  keepRunning?: (held: HeldRun, report: ConformanceReport) => Promise<void>;
}

export type ConformancePhase = 'manifest' | 'config' | 'build' | 'mock' | 'start' | 'checks' | 'stop';

export type ConformanceEvent =
  | { type: 'phase'; phase: ConformancePhase; detail?: string }
  | { type: 'plan'; checks: readonly CheckInfo[]; endpoint: string; mode: 'started' | 'attached'; name?: string; command?: string; profile?: TestProfile }
  | { type: 'check-start'; check: CheckInfo }
  | { type: 'result'; result: CheckResult }
  /** A check that waits was started early; `alongside`: the checks after it go on meanwhile. */
  | { type: 'background'; check: CheckInfo; alongside: boolean }
  | { type: 'plugin-exit'; code: number | null; signal: string | null };

/** Set when a started plugin exited on its own while the checks ran. */
export interface PluginExitReport {
  code: number | null;
  signal: string | null;
  /** Id of the check that was running when it exited. */
  duringCheck?: string;
  /** The request it died on, e.g. `POST /cleanup`, when one was left unanswered. */
  onRequest?: string;
  /** That request was the runner's, bringing the plugin to the state the check needs: the check itself never ran. */
  whilePreparing?: boolean;
  message: string;
}

export interface ConformanceReport extends TestRunReport {
  pluginExit?: PluginExitReport;
  /** For failed checks of a started plugin: what it logged while that check ran (masked). */
  checkLogs?: Record<string, string[]>;
}

export async function runConformance(options: RunConformanceOptions = {}): Promise<ConformanceReport> {
  const run = createRunState(options);
  throwIfAborted(run.signal);
  await selectRun(run);
  await readManifest(run);
  await resolveRunConfig(run);
  try {
    if (!options.endpoint) await buildPlugin(run);
    await startUpstream(run);
    if (options.endpoint) await attachToPlugin(run, options.endpoint);
    else await startPluginProcess(run);
    const results = await runChecks(run);
    const report = buildReport(run, results);
    await holdRun(run, report);
    await stopPluginProcess(run, report);
    return report;
  } catch (error) {
    if (run.signal?.aborted && !(error instanceof InterruptedError)) throw new InterruptedError();
    if (error instanceof LoomPluginError && typeof error.details?.stderrTail === 'string') {
      // Start-up failures quote the plugin's stderr: mask it like everything else.
      (error.details as Record<string, unknown>).stderrTail = maskFor(run)(error.details.stderrTail as string);
      if (typeof error.details.stderrShown === 'string') (error.details as Record<string, unknown>).stderrShown = maskFor(run)(error.details.stderrShown);
    }
    // A failed build quotes the compiler, which may print the environment it was given.
    if (error instanceof LoomPluginError && typeof error.details?.buildOutput === 'string') {
      (error.details as Record<string, unknown>).buildOutput = maskFor(run)(error.details.buildOutput);
    }
    throw error;
  } finally {
    // Always: a thrown check, a usage error or Ctrl+C must never leave the plugin running.
    run.stopping = true;
    await Promise.allSettled([run.plugin?.stop(), run.client?.close(), run.mock?.close()]);
  }
}
