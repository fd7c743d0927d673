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
  /**
   * Checks that must pass first. When one of them fails (as a failure, not a warning),
   * this check is not run: it is reported `blocked` by that root cause.
   */
  requires?: readonly string[];
  /**
   * A rule of the shipped Loom host that the guide does not state. Required under the
   * default `loom-host` profile; a note under `--profile guide`.
   */
  hostRule?: boolean;
  /**
   * A check that mostly waits (the upstream timeout): once these checks passed, it may
   * wait in the background while the checks after them run. Its result keeps its place.
   */
  background?: readonly string[];
}

/**
 * Whose rules a run enforces. `loom-host`: the shipped Loom host's (it sends `{}` to
 * /initialize, reads only plugin.json, loads only `auto_start: true`, joins endpoint and
 * path as strings). `guide`: the development guide's contract; the host's rules are notes.
 */
export type TestProfile = 'loom-host' | 'guide';
export const TEST_PROFILES: readonly TestProfile[] = ['loom-host', 'guide'];

/**
 * pass / fail / skip are the check's own verdict. With an expected-failures baseline,
 * a fail of a listed id becomes `expected-fail` (counts as pass) and a pass of a listed id
 * becomes `stale` (counts as failure: the baseline must be updated). `blocked`: not run,
 * because a check it requires failed (`blockedBy` names the root cause); it fails nothing
 * by itself, the root cause does.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'expected-fail' | 'stale' | 'blocked';

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
  /** For `blocked` results: the id of the failed check that is the root cause. */
  blockedBy?: string;
  /**
   * A blocked required check whose root cause does not fail the run (an expected failure,
   * a warning): it never ran, so it fails the run (see summary.ts).
   */
  notRun?: true;
  /** The check whose replay reproduces this failure, when it is not this one (a crash on the runner's reset request). */
  replayOnly?: string;
}

export interface TestRunSummary {
  passed: number;
  failed: number;
  skipped: number;
  expectedFailures: number;
  stale: number;
  /** Checks not run because a check they require failed. */
  blocked: number;
  /**
   * Of those, the required ones whose root cause does not fail the run (it is listed as an
   * expected failure, or is a warning): they fail the run. Absent when there are none.
   */
  notRun?: number;
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
  /** Whose rules the run enforced (see TestProfile). */
  profile: TestProfile;
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
