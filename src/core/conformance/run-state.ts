/**
 * What one `loom-plugin test` run carries from step to step (see run-conformance.ts):
 * the options as resolved once, what each step produced (manifest, config, mock, plugin,
 * client) and the bookkeeping the checks feed (the running check, its logs, a crash).
 * Kept as one mutable record so each step is a small function of it, and the final
 * clean-up can stop whatever got started, however far the run came.
 */
import type { Manifest } from '../manifest/types.js';
import type { ResolvedConfig } from '../runtime/config.js';
import type { PluginClient } from '../runtime/http-client.js';
import type { MockUpstream } from '../runtime/mock-upstream.js';
import type { RunningPlugin } from '../runtime/plugin-process.js';
import type { ExpectedFailure } from './expected-failures.js';
import { RequestTrail } from './request-trail.js';
import type { ConformanceEvent, PluginExitReport, RunConformanceOptions } from './run-conformance.js';
import type { CheckInfo, TestProfile, TestRunReport } from './types.js';

export interface LoadedManifest {
  manifest: Manifest;
  /** Absolute path of the manifest file that was read. */
  file: string;
  /** Folder of the manifest: the plugin's working directory. */
  dir: string;
}

export interface RunState {
  readonly options: RunConformanceOptions;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal | undefined;
  readonly strict: boolean;
  readonly profile: TestProfile;
  readonly timeoutMs: number;
  readonly upstreamField: string;
  readonly startedAt: Date;
  readonly emit: (event: ConformanceEvent) => void;
  checks: readonly CheckInfo[];
  baseline: ExpectedFailure[];
  baselineName: string | undefined;
  loaded?: LoadedManifest;
  config?: ResolvedConfig;
  mock?: MockUpstream;
  plugin?: RunningPlugin;
  client?: PluginClient;
  /** Where the checks send their requests. */
  baseUrl?: string;
  /** Set once the run stops the plugin itself: its exit is then no crash. */
  stopping: boolean;
  currentCheck?: string;
  /** A check waiting in the background meanwhile: what the plugin logs goes to both. */
  backgroundCheck?: string;
  pluginExit?: PluginExitReport;
  /** The requests of the checks, for naming the one a crash happened on. */
  readonly trail: RequestTrail;
  readonly logsByCheck: Map<string, string[]>;
  readonly timings: TestRunReport['timings'];
  /** Notes for the report: found before the checks (a stale binary under --no-build), or host rules under --profile guide. */
  readonly notes: string[];
}

export function createRunState(options: RunConformanceOptions): RunState {
  return {
    options,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    signal: options.signal,
    strict: options.strict ?? false,
    profile: options.profile ?? 'loom-host',
    timeoutMs: options.timeoutMs ?? 10_000,
    upstreamField: options.upstreamField ?? 'endpoint',
    startedAt: new Date(),
    emit: (event) => options.onEvent?.(event),
    checks: [],
    baseline: [],
    baselineName: undefined,
    stopping: false,
    logsByCheck: new Map(),
    trail: new RequestTrail(),
    timings: { checksMs: 0 },
    notes: [],
  };
}

/** Every secret of the run: configured ones and the mock's key. */
export function runSecrets(run: RunState): string[] {
  return [...(run.config?.secrets ?? []), ...(run.mock ? [run.mock.apiKey] : [])].filter((secret) => secret.length > 0);
}

export function hasConfigField(manifest: Manifest, name: string): boolean {
  return (manifest.metadata.config_schema ?? []).some((field) => field.name === name);
}

/** The run's loaded manifest; a step that needs it before it exists is a bug. */
export function loadedOf(run: RunState): LoadedManifest {
  if (!run.loaded) throw new Error('the manifest step has not run');
  return run.loaded;
}

export function configOf(run: RunState): ResolvedConfig {
  if (!run.config) throw new Error('the config step has not run');
  return run.config;
}

export function clientOf(run: RunState): PluginClient {
  if (!run.client) throw new Error('the plugin step has not run');
  return run.client;
}
