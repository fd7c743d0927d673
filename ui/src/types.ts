/** The shapes the page reads from the dev host's API (a subset of src/core/dev/types.ts). */

export interface ConfigField {
  name: string;
  type: string;
  required?: boolean;
  description?: string;
  default?: unknown;
  sensitive?: boolean;
  validation?: { enum?: unknown[]; min?: number; max?: number };
}

export interface HealthSample {
  time: number;
  healthy: boolean;
  message?: string;
  latencyMs: number;
}

export interface Diagnostic {
  severity: string;
  line: number;
  column: number;
  message: string;
  rule: string;
}

export interface Attempt {
  ok: boolean;
  reason: string;
  step?: string;
  error?: string;
  hint?: string;
  stderrTail?: string;
  /** The compiler's output when the build before the start failed. */
  buildOutput?: string;
  buildMs?: number;
}

export interface PluginView {
  key: string;
  providerType?: string;
  name?: string;
  manifestFile: string;
  state: string;
  stateMessage?: string;
  pid?: number;
  port?: number;
  generation: number;
  restarts: number;
  healthCheckIntervalMs: number;
  metadata?: Record<string, unknown>;
  capabilities: Record<string, boolean>;
  models: Array<{ id: string }>;
  health: HealthSample[];
  diagnostics: Diagnostic[];
  missingConfig: string[];
  configSources: Record<string, string>;
  configSchema: ConfigField[];
  configValues: Record<string, unknown>;
  lastAttempt?: Attempt;
}

export interface RequestEntry {
  id: number;
  method: string;
  path: string;
  model?: string;
  provider?: string;
  status?: number;
  durationMs: number;
  stream: boolean;
  requestBody: string;
  responseBody: string;
  truncated: boolean;
  error?: string;
  curl: string;
}

export interface LogLine {
  stream: 'stdout' | 'stderr' | 'notice';
  text: string;
}

export interface HandCallResult {
  endpoint: string;
  method: string;
  path: string;
  status?: number;
  durationMs: number;
  requestBody?: string;
  body: string;
  error?: string;
}

export interface CheckResult {
  id: string;
  title: string;
  level: string;
  status: 'pass' | 'fail' | 'skip' | 'blocked' | string;
  durationMs: number;
  message?: string;
  /** For `blocked`: the failed check that is the root cause. */
  blockedBy?: string;
}

export interface DevEvent {
  type: string;
  key?: string;
  stream?: 'stdout' | 'stderr' | 'notice';
  text?: string;
  /** `notice` events: a stale binary, a file the plugin writes itself. */
  message?: string;
  level?: 'info' | 'warning';
  entry?: RequestEntry;
}
