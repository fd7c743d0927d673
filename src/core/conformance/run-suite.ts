/**
 * Runs the selected conformance checks against a plugin that is already listening, in
 * catalogue order, and returns one CheckResult per check. It drives the lifecycle itself:
 * the first checks talk to a plugin nobody initialized yet; before each later check the
 * plugin is brought to the state the check needs (initialized with the test config, or
 * cleaned up), so checks that send bad config or re-initialize never spoil the next one.
 *
 * Plugin misbehaviour is data (a `fail` result), never an exception; only an abort
 * escapes, as InterruptedError. Every message, detail and excerpt is secret-masked.
 */
import { InterruptedError, throwIfAborted } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { ResolvedConfig } from '../runtime/config.js';
import type { Exchange, PluginClient } from '../runtime/http-client.js';
import { maskJsonText, maskSecrets } from '../runtime/mask-secrets.js';
import type { MockUpstream } from '../runtime/mock-upstream.js';
import { BackgroundChecks, type BackgroundState, type TimedVerdict } from './background-check.js';
import { CheckBlocked, CheckFailure, CheckSkip } from './check-helpers.js';
import { SuiteContext, type CheckImpl, type ConfigValues } from './checks/context.js';
import type { CheckInfo, CheckResult, ExchangeSummary, TestProfile } from './types.js';
import { isSensitiveField } from '../runtime/config-values.js';
import type { RequestTrail } from './request-trail.js';

export interface SuiteOptions {
  manifest: Manifest;
  client: PluginClient;
  mock: MockUpstream | undefined;
  config: ResolvedConfig;
  /** Config field that receives the mock's URL (default field name: `endpoint`). */
  upstreamField: string;
  checks: readonly CheckInfo[];
  /** Per-request budget; the timeout check waits the plugin's own timeout on top. */
  timeoutMs: number;
  /** POST /initialize's budget (default timeoutMs). */
  initializeTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The plugin was not started for this run (--endpoint): someone may have initialized
   * it already, so `lifecycle.before-initialize` is skipped. Default false.
   */
  attached?: boolean;
  /**
   * Whether the plugin process got the config as LOOM_CONFIG_* env vars (as
   * runConformance does when it starts the plugin). Default: true, false when attached.
   * When false, `lifecycle.initialize-empty` is skipped.
   */
  configInEnv?: boolean;
  /** Whose rules to enforce (default `loom-host`). */
  profile?: TestProfile;
  /** The manifest file that was read, for the manifest rules of the host. */
  manifestFile?: string;
  /** Stop at the first failed required check; the rest are reported as skipped. */
  bail?: boolean;
  /** A check's turn came; `early`: it was started in the background before (it may have ended). */
  onCheckStart?: (check: CheckInfo, early: boolean) => void;
  /** A check's result; the next check waits for a returned promise (a crash to be noticed). */
  onResult?: (result: CheckResult) => void | Promise<void>;
  /** false: no check waits in the background (see background-check.ts). Default true. */
  overlap?: boolean;
  /** A check that waits was started early, runs alongside the next ones or alone, and ended. */
  onBackground?: (check: CheckInfo, state: BackgroundState) => void;
  /** Notes the host rules leave under --profile guide. */
  onNote?: (note: string) => void;
  /** Records the requests sent, for tracing a crash to its request. */
  trail?: RequestTrail;
}

/** Excerpts in reports stay short; the curl line reproduces the whole request. */
const EXCERPT_CHARS = 2000;

function excerpt(text: string, secrets: string[]): string {
  // Bodies are masked as JSON values when they are JSON, so an excerpt stays readable JSON.
  const masked = maskJsonText(text, secrets);
  return masked.length > EXCERPT_CHARS ? `${masked.slice(0, EXCERPT_CHARS)}... (${masked.length - EXCERPT_CHARS} more characters)` : masked;
}

/** Config fields whose values a curl line reads from LOOM_CONFIG_<NAME> instead of showing. */
function envFieldsOf(manifest: Manifest): string[] {
  return (manifest.metadata.config_schema ?? []).filter(isSensitiveField).map((field) => field.name);
}

function summarize(exchange: Exchange, client: PluginClient, secrets: string[], envFields: readonly string[]): ExchangeSummary {
  return {
    method: exchange.request.method,
    url: exchange.request.url,
    ...(exchange.request.body === undefined ? {} : { requestBody: excerpt(exchange.request.body, secrets) }),
    ...(exchange.status === undefined ? {} : { status: exchange.status }),
    responseExcerpt: excerpt(exchange.bodyText || (exchange.error ? `(${exchange.error.message})` : ''), secrets),
    durationMs: exchange.durationMs,
    curl: client.curl(exchange, secrets, envFields),
  };
}

function hasField(manifest: Manifest, name: string): boolean {
  return (manifest.metadata.config_schema ?? []).some((field) => field.name === name);
}

/** The config /initialize gets: the resolved values, pointed at the mock. */
export function initConfigFor(options: Pick<SuiteOptions, 'config' | 'mock' | 'manifest' | 'upstreamField'>): ConfigValues {
  const values: ConfigValues = { ...options.config.values };
  if (options.mock && hasField(options.manifest, options.upstreamField)) values[options.upstreamField] = options.mock.url;
  if (options.mock && hasField(options.manifest, 'api_key')) values.api_key = options.mock.apiKey;
  return values;
}

/** Names a URL field usually has: the likeliest upstream field when `endpoint` is not there. */
const URL_FIELD = /url|uri|endpoint|host|base|root|server|address/i;

/** The config field that most likely holds the upstream URL, for the --upstream-field advice. */
export function likelyUpstreamField(manifest: Manifest): string | undefined {
  const fields = (manifest.metadata.config_schema ?? []).filter((field) => field.type === 'string' && !isSensitiveField(field));
  const byDefault = fields.find((field) => typeof field.default === 'string' && /^https?:\/\//.test(field.default));
  return (byDefault ?? fields.find((field) => URL_FIELD.test(field.name)))?.name;
}

function upstreamUnavailable(options: SuiteOptions): string | undefined {
  if (!options.mock) return 'there is no mock upstream in this run';
  if (!hasField(options.manifest, options.upstreamField)) {
    const likely = likelyUpstreamField(options.manifest);
    return `the config schema has no "${options.upstreamField}" field to point the plugin at the mock upstream (${likely ? `run with --upstream-field ${likely}` : 'see --upstream-field'})`;
  }
  return undefined;
}

/**
 * A chat (or /models) request failed while the mock was not wired in: the plugin went to whatever
 * upstream its config names, so say that first, and how to wire the mock in.
 */
function unwiredMockNote(options: SuiteOptions, exchange: Exchange | undefined): string | undefined {
  if (!options.mock || hasField(options.manifest, options.upstreamField)) return undefined;
  if (!exchange || !/\/(chat\/completions|models)$/.test(exchange.request.url)) return undefined;
  const likely = likelyUpstreamField(options.manifest);
  return (
    `The mock upstream was not used: no config field was recognised as the upstream URL (none is named "${options.upstreamField}"), ` +
    `so the plugin called the upstream its own config names. ${likely ? `Run with --upstream-field ${likely} to point "${likely}" at the mock.` : 'Name the field that holds the upstream URL with --upstream-field.'}`
  );
}

/** Rejects with InterruptedError when the signal fires, whatever the check is waiting for. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Both branches handled here: a check that fails after the abort won is not "unhandled".
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export async function runSuite(options: SuiteOptions): Promise<CheckResult[]> {
  const { signal } = options;
  throwIfAborted(signal);
  const { CHECK_IMPLEMENTATIONS } = await import('./checks/index.js');
  const secrets = [...options.config.secrets, ...(options.mock ? [options.mock.apiKey] : [])].filter((s) => s !== '');
  const ctx = new SuiteContext({
    manifest: options.manifest,
    client: options.client,
    mock: options.mock,
    upstreamUnavailable: upstreamUnavailable(options),
    initConfig: initConfigFor(options),
    secrets,
    timeoutMs: options.timeoutMs,
    initializeTimeoutMs: options.initializeTimeoutMs ?? options.timeoutMs,
    configInEnv: options.configInEnv ?? !options.attached,
    attached: options.attached ?? false,
    upstreamField: options.upstreamField,
    profile: options.profile ?? 'loom-host',
    ...(options.manifestFile ? { manifestFile: options.manifestFile } : {}),
    ...(options.onNote ? { onNote: options.onNote } : {}),
    ...(options.trail ? { trail: options.trail } : {}),
  });
  const declared = options.manifest.metadata.capabilities ?? {};
  // METHOD PATH -> the check whose timeout tripped the client's breaker for it.
  const trippedBy = new Map<string, string>();
  const judgeOnce = async (checkCtx: SuiteContext, check: CheckInfo): Promise<Verdict> => {
    const before = new Set(options.client.trippedKeys());
    const verdict = await judge(options, checkCtx, check, CHECK_IMPLEMENTATIONS[check.id], declared, signal, trippedBy);
    for (const key of options.client.trippedKeys()) if (!before.has(key)) trippedBy.set(key, check.id);
    return verdict;
  };
  const levelOf = (id: string) => options.checks.find((check) => check.id === id)?.level;
  const judgeTimed = async (checkCtx: SuiteContext, check: CheckInfo): Promise<TimedVerdict> => {
    const started = performance.now();
    let { unsent, ...verdict } = await judgeOnce(checkCtx, check);
    // Blocked only by a failure that weighs as much: a required check kept unsent by a
    // recommended one (or one that did not fail) sends again, and fails on its own if the
    // path still hangs; otherwise a plugin hanging on one path could fail no required check.
    const by = verdict.blockedBy;
    if (unsent && (!by || !checkCtx.failed.has(by) || (check.level === 'required' && levelOf(by) !== 'required'))) {
      options.client.resetBreaker(unsent);
      trippedBy.delete(unsent);
      ({ unsent, ...verdict } = await judgeOnce(checkCtx.forCheck(checkCtx.inBackground), check));
    }
    return { ...verdict, durationMs: Math.round((performance.now() - started) * 10) / 10 };
  };
  const background = new BackgroundChecks({
    checks: options.checks,
    ctx,
    enabled: !options.bail && options.overlap !== false,
    judge: judgeTimed,
    waitMs: (check) => CHECK_IMPLEMENTATIONS[check.id]?.waitMs?.(ctx),
    ...(signal ? { signal } : {}),
    ...(options.onBackground ? { onBackground: options.onBackground } : {}),
  });
  const results: CheckResult[] = [];
  const byId = new Map<string, CheckResult>();
  let bailedAt: string | undefined;

  for (const check of options.checks) {
    throwIfAborted(signal);
    const { requires: _requires, hostRule: _hostRule, background: _background, ...info } = check;
    const root = bailedAt ? undefined : rootCause(check, byId);
    let result: CheckResult;
    if (bailedAt) {
      result = { ...info, status: 'skip', message: `not run: --bail stopped the run at ${bailedAt}`, durationMs: 0 };
    } else if (root) {
      result = { ...info, status: 'blocked', blockedBy: root, message: `blocked by ${root}: fix that first`, durationMs: 0 };
    } else {
      const waited = background.take(check.id);
      options.onCheckStart?.(check, waited !== undefined);
      throwIfAborted(signal);
      result = { ...info, ...(await (waited ?? background.judgeInForeground(check))) };
    }
    if (result.message) result.message = maskSecrets(result.message, secrets);
    if (result.expected) result.expected = maskSecrets(result.expected, secrets);
    if (result.details) result.details = result.details.map((line) => maskSecrets(line, secrets));
    results.push(result);
    byId.set(result.id, result);
    if (result.status === 'fail') ctx.failed.add(result.id);
    if (options.bail && !bailedAt && result.status === 'fail' && result.level === 'required') bailedAt = result.id;
    await options.onResult?.(result);
    await background.afterResult(byId);
  }
  return results;
}

/**
 * The failed check that keeps this one from being worth running, if any: a prerequisite
 * that failed, or the root cause that blocked a prerequisite. Prerequisites that did not
 * run (not selected, skipped) block nothing.
 */
function rootCause(check: CheckInfo, byId: ReadonlyMap<string, CheckResult>): string | undefined {
  for (const id of check.requires ?? []) {
    const prerequisite = byId.get(id);
    if (prerequisite?.status === 'blocked') return prerequisite.blockedBy;
    if (prerequisite?.status === 'fail') return id;
  }
  return undefined;
}

/**
 * A check whose request the breaker kept unsent said nothing about the plugin: it is
 * blocked by the check whose timeout tripped the breaker, as a check is by a failed
 * prerequisite. With no such check known it is not blocked (nor skipped: skips never fail a
 * run, and the path did hang): `by` is undefined and the check fails with its own words.
 */
function notSent(exchange: Exchange | undefined, trippedBy: ReadonlyMap<string, string>): { key: string; by: string | undefined } | undefined {
  const key = exchange?.error?.kind === 'skipped' ? exchange.error.breakerKey : undefined;
  return key ? { key, by: trippedBy.get(key) } : undefined;
}

/** `unsent`: the breaker kept this METHOD PATH of the check unsent. */
type Verdict = Pick<CheckResult, 'status' | 'message' | 'expected' | 'details' | 'exchange' | 'blockedBy'> & { unsent?: string };

async function judge(
  suite: SuiteOptions,
  ctx: SuiteContext,
  check: CheckInfo,
  impl: CheckImpl | undefined,
  declared: Partial<Record<string, boolean>>,
  signal: AbortSignal | undefined,
  trippedBy: ReadonlyMap<string, string>,
): Promise<Verdict> {
  if (check.capability && declared[check.capability] !== true) {
    return { status: 'skip', message: `the manifest does not declare the ${check.capability} capability` };
  }
  if (!impl) return { status: 'fail', message: `loom-plugin has no implementation for check ${check.id} (a bug: please report it).` };
  if (impl.upstream && ctx.upstreamUnavailable) return { status: 'skip', message: ctx.upstreamUnavailable };
  ctx.lastExchange = undefined;
  try {
    await raceAbort(
      (async () => {
        await ctx.prepare(impl.needs);
        await impl.run(ctx);
      })(),
      signal,
    );
    return { status: 'pass' };
  } catch (error) {
    if (error instanceof InterruptedError || signal?.aborted) throw new InterruptedError();
    if (error instanceof CheckSkip) return { status: 'skip', message: error.message };
    if (error instanceof CheckBlocked) return { status: 'blocked', blockedBy: error.by, message: error.message };
    const exchange = error instanceof CheckFailure ? (error.exchange ?? ctx.lastExchange) : ctx.lastExchange;
    // Only a verdict on the plugin can stem from a request not sent: a crash of the check
    // (a loom-plugin bug) is reported as one even when its last request was kept unsent.
    const unsent = error instanceof CheckFailure ? notSent(exchange, trippedBy) : undefined;
    if (unsent?.by) {
      const { key, by } = unsent;
      return { status: 'blocked', blockedBy: by, message: `blocked by ${by}: ${key} timed out there, so this check's request was not sent`, unsent: key };
    }
    const summary = {
      ...(exchange ? { exchange: summarize(exchange, ctx.client, ctx.secrets, envFieldsOf(ctx.manifest)) } : {}),
      ...(unsent ? { unsent: unsent.key } : {}),
    };
    const unsentNote = unsent ? ` (${unsent.key} timed out earlier in this run and no check failed for it, so this check's request was not sent.)` : '';
    if (error instanceof CheckFailure) {
      const unwired = unwiredMockNote(suite, exchange);
      return {
        status: 'fail',
        message: `${error.message}${unsentNote}${unwired ? ` ${unwired}` : ''}`,
        ...(error.expected ? { expected: error.expected } : {}),
        ...(error.details ? { details: error.details } : {}),
        ...(error.schemaErrors ? { schemaErrors: error.schemaErrors } : {}),
        ...summary,
      };
    }
    return { status: 'fail', message: `The check stopped with an unexpected error: ${(error as Error)?.message ?? String(error)}`, ...summary };
  }
}
