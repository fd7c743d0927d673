/**
 * Data shapes of the conformance suite: the check catalogue and the results a run
 * produces. Checks and the runner (src/core/conformance/) produce these; reporters
 * (src/output/test-reporters/) render them. Check ids are stable and documented.
 */
import type { Capability } from '../protocol.js';

export type CheckLevel = 'required' | 'recommended';

export interface CheckInfo {
  /** Stable id, `<group>.<name>`, e.g. `metadata.schema`, `errors.rate-limit`. */
  id: string;
  title: string;
  /** Endpoint it exercises, e.g. `POST /chat/completions`, or `*` for several. */
  endpoint: string;
  level: CheckLevel;
  /** Capability the check depends on; skipped (never failed) when not declared. */
  capability?: Capability;
  /** Section of docs/protocol.md it enforces, e.g. `errors`, `streaming`. */
  contract: string;
}

/**
 * pass / fail / skip are the check's own verdict. With an expected-failures baseline,
 * a fail of a listed id becomes `expected-fail` (counts as pass) and a pass of a listed id
 * becomes `stale` (counts as failure: the baseline must be updated).
 */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'expected-fail' | 'stale';

export interface ExchangeSummary {
  method: string;
  url: string;
  /** Request body as sent, secrets masked, truncated for reports. */
  requestBody?: string;
  status?: number;
  /** Response excerpt, secrets masked, truncated. */
  responseExcerpt?: string;
  durationMs?: number;
  /** A curl line that reproduces the request, secrets masked. */
  curl?: string;
}

export interface CheckResult extends CheckInfo {
  status: CheckStatus;
  durationMs: number;
  /** One sentence: why it failed or was skipped. */
  message?: string;
  /** What the contract expected, for failures. */
  expected?: string;
  /** Further detail lines (schema errors as sentences, differing fields). */
  details?: string[];
  /** The schema violations behind `details`, raw: JSON Pointer, keyword, ajv's message. */
  schemaErrors?: Array<{ path: string; keyword: string; message: string }>;
  exchange?: ExchangeSummary;
}

export interface TestRunSummary {
  passed: number;
  failed: number;
  skipped: number;
  expectedFailures: number;
  stale: number;
  /** Failed recommended checks (fail the run only under --strict). */
  warnings: number;
  durationMs: number;
}

export interface TestRunReport {
  /** Version of this report document; bump when the JSON shape changes incompatibly. */
  reportVersion: 1;
  tool: { name: 'loom-plugin'; version: string };
  plugin: {
    name?: string;
    providerType?: string;
    manifest?: string;
    endpoint: string;
    /** How the plugin was run: started from its manifest, or attached with --endpoint. */
    mode: 'started' | 'attached';
  };
  startedAt: string;
  strict: boolean;
  results: CheckResult[];
  summary: TestRunSummary;
  /** Last lines of the plugin's stdout/stderr (secrets masked), when it was started. */
  logTail?: string;
  /** Phase timings in ms, for `bench/test.mjs` and the human report. */
  timings: { buildMs?: number; startupMs?: number; checksMs: number; shutdownMs?: number };
  /**
   * The provider dialect the mock upstream spoke: pinned with --upstream-dialect, or
   * detected from the plugin's first upstream request. Absent when it never heard from it.
   */
  upstream?: { dialect: string; title: string; how: 'detected' | 'pinned' };
  /** Things no check can see over HTTP that matter for loading in the shipped host. */
  notes?: string[];
  /** Whether the run as a whole passes (exit 0). */
  ok: boolean;
}
