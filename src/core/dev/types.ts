/**
 * Shapes of the dev host: its options, the per-plugin state it shows, and the events it
 * streams to the terminal and the playground. Plain data so the API can serialise them.
 * The playground (ui/src/types.ts) reads its types from here (through the emitted
 * declarations), so a change here that the page does not follow fails its type-check.
 * Keep this file free of Node-only types outside DevHostOptions/DevHost.
 */
import type { CheckResult, TestRunSummary } from '../conformance/types.js';
import type { ConfigField, Diagnostic, Manifest } from '../manifest/types.js';

export type PluginState =
  /** Manifest has errors; not started until it is fixed. */
  | 'invalid'
  /** Another plugin already owns this provider_type (the host refuses the second). */
  | 'refused'
  /** Required config values are missing and nobody can be asked. */
  | 'waiting-config'
  | 'starting'
  | 'loading'
  | 'healthy'
  | 'unhealthy'
  | 'reloading'
  | 'crashed'
  /** Start or load failed; retried on the next change or reload request. */
  | 'failed'
  | 'stopped';

export interface HealthSample {
  time: number;
  healthy: boolean;
  message?: string;
  latencyMs: number;
  status?: number;
}

export interface ModelInfo {
  id: string;
  name?: string;
  [key: string]: unknown;
}

export interface AttemptInfo {
  time: number;
  ok: boolean;
  /** What triggered it: start, file change, api, key, crash restart. */
  reason: string;
  /** Which step failed: validate, config, build, start, initialize, metadata, health, models. */
  step?: string;
  error?: string;
  /** What to do about the failure (e.g. the command to run). */
  hint?: string;
  stderrTail?: string;
  /** What the build printed when it failed (the compiler's errors). */
  buildOutput?: string;
  /** Time the build before the start took (absent when nothing was built). */
  buildMs?: number;
  durationMs: number;
}

export interface PluginView {
  key: string;
  providerType: string | undefined;
  name: string | undefined;
  dir: string;
  manifestFile: string;
  state: PluginState;
  stateMessage: string | undefined;
  pid: number | undefined;
  port: number | undefined;
  generation: number;
  healthCheckIntervalMs: number;
  metadata: Record<string, unknown> | undefined;
  capabilities: Record<string, boolean>;
  models: ModelInfo[];
  health: HealthSample[];
  diagnostics: Diagnostic[];
  missingConfig: string[];
  configSources: Record<string, string>;
  /** The manifest's config_schema, for the playground's /initialize form. */
  configSchema: ConfigField[];
  /** Resolved values of the non-sensitive fields only. */
  configValues: Record<string, unknown>;
  lastAttempt: AttemptInfo | undefined;
  restarts: number;
}

export interface RequestLogEntry {
  id: number;
  time: number;
  method: string;
  path: string;
  provider: string | undefined;
  model: string | undefined;
  status: number | undefined;
  durationMs: number;
  stream: boolean;
  requestBody: string;
  responseBody: string;
  truncated: boolean;
  error: string | undefined;
  /**
   * What a 200 answer gets wrong against the wire schemas `loom-plugin test` checks (a
   * float `created`, content as a list...): the shipped host's strict decoder would
   * refuse it. The body itself was forwarded unchanged.
   */
  warnings?: string[];
  curl: string;
}

export type DevEvent =
  | { type: 'state'; key: string; state: PluginState; message?: string }
  | { type: 'log'; key: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'request'; entry: RequestLogEntry }
  | { type: 'health'; key: string; sample: HealthSample }
  | { type: 'attempt'; key: string; attempt: AttemptInfo }
  | { type: 'diagnostics'; key: string; diagnostics: Diagnostic[] }
  | { type: 'crash'; key: string; code: number | null; signal: string | null; stderrTail: string; restartInMs: number }
  /** Something the developer should know that is not a state change (stale binary, files the plugin writes). */
  | { type: 'notice'; key: string; level: 'info' | 'warning'; message: string };

export type StampedEvent = DevEvent & { seq: number; time: number };

/** One of the six plugin endpoints the playground can call by hand. */
export type HandCallName = 'health' | 'metadata' | 'models' | 'initialize' | 'cleanup' | 'chat';

export interface HandCallResult {
  endpoint: HandCallName;
  method: string;
  path: string;
  status: number | undefined;
  durationMs: number;
  /** What was sent (secrets masked). */
  requestBody?: string;
  body: string;
  error?: string;
}

/** The NDJSON lines of the playground's "Run conformance" (POST /api/plugins/:key/conformance). */
export type ConformanceStreamEvent =
  | { type: 'started'; key: string; note: string }
  | { type: 'plan'; checks: number; endpoint: string }
  | { type: 'result'; result: CheckResult }
  | { type: 'plugin-exit'; code: number | null; signal: string | null }
  | { type: 'done'; ok: boolean; summary: TestRunSummary; pluginExit?: { code: number | null; signal: string | null; message: string } }
  | { type: 'error'; code: string; message: string };

export interface MissingConfigRequest {
  key: string;
  providerType: string;
  manifest: Manifest;
  missing: string[];
}

export interface DevHostOptions {
  /** Plugin folder, manifest file, or folder of plugins. */
  path: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Port of the host; 0 = any free port. Default 4477. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** API token; default: random per launch. */
  token?: string;
  /**
   * Host names (besides IP addresses and localhost) requests may name in `Host`, e.g. a
   * LAN name or a tunnel's; `.example.com` allows example.com and its subdomains.
   */
  allowedHosts?: string[];
  configFile?: string;
  mockUpstream?: boolean;
  upstreamField?: string;
  watch?: boolean;
  /** Debounce of file-change bursts (default 150 ms). */
  debounceMs?: number;
  startupTimeoutMs?: number;
  /** Override of every plugin's health_check_interval (tests). */
  healthIntervalMs?: number;
  /** First crash restart delay (doubles up to restartMaxMs). Default 500 ms. */
  restartBaseMs?: number;
  restartMaxMs?: number;
  /** false: start plugins without building them first (a stale build output is reported). Default true. */
  build?: boolean;
  /** How long a retiring process may finish requests in flight (default 10 s). */
  drainTimeoutMs?: number;
  /** Called when required config values are missing; return values to use, or undefined to wait. */
  askConfig?: (request: MissingConfigRequest) => Promise<Record<string, unknown> | undefined>;
  /** Receives every event (masked) from the very start; the CLI renders them. */
  onEvent?: (event: StampedEvent) => void;
  signal?: AbortSignal;
}

export interface DevHost {
  /** Base URL of the host, no trailing slash, e.g. http://127.0.0.1:4477 */
  url: string;
  /** URL of the playground with the token in the fragment. */
  pageUrl: string;
  /** Base URLs for other machines: this machine's interface addresses when bound to 0.0.0.0 or ::, else none. */
  networkUrls: string[];
  token: string;
  port: number;
  /** Valid manifests of a folder of plugins left out because auto_start is not true. */
  skipped: string[];
  /** Folders that could not be searched and FIFOs with a manifest name, as "path (reason)". */
  notSearched: string[];
  /** Reloads one plugin (by provider_type or key); resolves when the attempt ended. */
  reload(key: string, reason?: string): Promise<AttemptInfo | undefined>;
  state(): PluginView[];
  requests(): RequestLogEntry[];
  /**
   * Subscribe to events (already masked). Returns an unsubscribe function. A `request`
   * event's entry works out its bodies, curl line and warnings when they are first read
   * (JSON.stringify includes them); spread it and they are left out.
   */
  subscribe(listener: (event: StampedEvent) => void): () => void;
  /** Resolves when every plugin reached a settled state after start. */
  ready: Promise<void>;
  close(): Promise<void>;
}
