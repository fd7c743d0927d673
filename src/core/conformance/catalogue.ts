/**
 * The conformance catalogue: every check `loom-plugin test` runs, in the order it runs
 * them. Ids are stable (documented in docs/checks.md, used in --only/--skip and in
 * expected-failure files): add checks, never rename one.
 *
 * Kept free of heavy imports: `--list` and flag validation read it without starting
 * anything. The implementations live in ./checks/.
 *
 * Levels: `required` checks fail a run; `recommended` ones warn (fail only with
 * --strict). The error table (HTTP status and `transient` per error code) is
 * recommended-level in the contract, so each error has two ids: `errors.<case>`
 * (required: a non-200 answer with a valid `{code, message, transient}` body and the right
 * code) and `error-table.<code>` (recommended: the status and transient flag of the table).
 */
import { LoomPluginError } from '../errors.js';
import { closestName } from '../runtime/did-you-mean.js';
import type { CheckInfo } from './types.js';

const C = (
  id: string,
  level: CheckInfo['level'],
  endpoint: string,
  contract: string,
  title: string,
  capability?: CheckInfo['capability'],
  hostRule?: boolean,
): CheckInfo => ({ id, title, endpoint, level, contract, ...(capability ? { capability } : {}), ...(hostRule ? { hostRule } : {}) });

const INIT = 'POST /initialize';
const CHAT = 'POST /chat/completions';
const HOST_RULE = true;

const CHECKS_IN_ORDER: readonly CheckInfo[] = [
  // The shipped host's rules about the manifest. Their ids are validate's rule ids: the
  // same rule has one name in both commands. Under --profile guide they are notes.
  C('manifest/yaml-only', 'required', 'manifest', 'host', 'The shipped host discovers the manifest: there is a plugin.json (equal to plugin.yaml when both exist)', undefined, HOST_RULE),
  C('auto-start/disabled', 'required', 'manifest', 'host', 'auto_start is true: the shipped host loads no other manifest', undefined, HOST_RULE),
  C('file/bom', 'required', 'manifest', 'host', 'plugin.json does not start with a byte order mark: the shipped host cannot decode it and skips the plugin', undefined, HOST_RULE),
  C('env/unquoted-value', 'required', 'manifest', 'host', 'Every env value in plugin.json is a string: the shipped host decodes env as strings and skips a manifest it cannot decode', undefined, HOST_RULE),
  C('endpoint/trailing-slash', 'required', 'GET /health', 'host', "The plugin answers at the URLs the host builds by joining endpoint and path as strings (an endpoint ending in / gives //health)", undefined, HOST_RULE),
  // Lifecycle: the first check runs before anything initialized the plugin.
  C('lifecycle.before-initialize', 'recommended', CHAT, 'lifecycle', 'Calls before /initialize are refused with a valid error body'),
  C('lifecycle.initialize', 'required', INIT, 'lifecycle', '/initialize with the test configuration answers exactly 200 with a JSON object'),
  // The shapes everything else reads, right after /initialize, so their failures block the rest.
  C('health.schema', 'required', 'GET /health', 'health', '/health answers exactly 200 with a valid body: integer latency_ms, RFC 3339 timestamp with a zone'),
  C('metadata.schema', 'required', 'GET /metadata', 'metadata', '/metadata answers exactly 200 with a body valid against the metadata schema'),
  C('host.load-sequence', 'required', '*', 'host', "The host's load sequence works: /initialize with {} (config in LOOM_CONFIG_* env vars; the test config under --profile guide), /metadata with the manifest's provider_type, /health healthy"),
  C('lifecycle.reinitialize', 'recommended', INIT, 'lifecycle', 'A second /initialize without /cleanup is harmless: both 200, then healthy and serving'),
  C('lifecycle.initialize-empty', 'recommended', INIT, 'lifecycle', '/initialize with {} works when the configuration comes from LOOM_CONFIG_* env vars (the shipped host sends {})'),
  C('lifecycle.config-missing-field', 'required', INIT, 'lifecycle', '/initialize without a required config field is refused with invalid_request (or the value is taken from its LOOM_CONFIG_* env var)'),
  C('lifecycle.config-wrong-type', 'required', INIT, 'lifecycle', '/initialize with a config value of the wrong type is refused with invalid_request'),
  C('lifecycle.cleanup', 'required', 'POST /cleanup', 'lifecycle', '/cleanup answers exactly 200 with a JSON object'),
  C('lifecycle.health-after-cleanup', 'recommended', 'GET /health', 'lifecycle', '/health still answers 200 with a valid body after /cleanup'),
  C('lifecycle.reload', 'required', '*', 'lifecycle', "The host's reload works: /cleanup then /initialize on the same process ({} with the config in LOOM_CONFIG_* env vars; the test config under --profile guide), then healthy and serving"),
  // Endpoints: status, JSON, schema with the host's strict types.
  C('metadata.matches-manifest', 'required', 'GET /metadata', 'metadata', '/metadata equals the manifest: name, version, provider_type, plugin_api_version, capabilities, config field names'),
  C('metadata.descriptive-fields', 'recommended', 'GET /metadata', 'metadata', '/metadata description, author, homepage and license equal the manifest'),
  C('health.healthy', 'required', 'GET /health', 'health', '/health reports healthy: true once initialized'),
  C('models.schema', 'required', 'GET /models', 'models', '/models answers exactly 200 with a bare JSON array valid against the models schema'),
  C('models.non-empty-unique', 'required', 'GET /models', 'models', '/models lists at least one model and no id twice'),
  C('chat.schema', 'required', CHAT, 'chat', 'A basic completion answers exactly 200 with a valid body: integer created and token counts, string content'),
  C('chat.usage-adds-up', 'required', CHAT, 'chat', 'usage.prompt_tokens + usage.completion_tokens = usage.total_tokens'),
  C('chat.forwarded', 'required', CHAT, 'chat', "The upstream received, in its dialect's terms, the model, the messages and system prompt, temperature, max tokens and the key in the dialect's header"),
  C('chat.unknown-fields', 'required', CHAT, 'chat', 'Unknown request fields are tolerated (200)'),
  C('chat.concurrent', 'required', CHAT, 'chat', '16 concurrent completions are all answered with 200'),
  // Errors provoked directly or through the mock upstream.
  C('errors.invalid-json', 'required', CHAT, 'errors', 'A body that is not JSON is refused with invalid_request'),
  C('errors.missing-messages', 'required', CHAT, 'errors', 'A request without messages is refused with invalid_request'),
  C('errors.messages-not-array', 'required', CHAT, 'errors', 'A request whose messages is not an array is refused with invalid_request'),
  C('errors.unknown-model', 'required', CHAT, 'errors', 'An unknown model is refused with model_not_found'),
  C('errors.authentication', 'required', CHAT, 'errors', 'An upstream 401 becomes authentication_failed'),
  C('errors.rate-limit', 'required', CHAT, 'errors', 'An upstream 429 becomes rate_limit_exceeded'),
  C('errors.unavailable', 'required', CHAT, 'errors', 'An upstream 503 and a reset connection become provider_unavailable'),
  C('errors.malformed-upstream', 'required', CHAT, 'errors', 'An upstream 200 with a garbage body becomes internal_error'),
  // Streaming, function calling, vision: only when the manifest declares them.
  C('streaming.content-type', 'required', CHAT, 'streaming', 'stream: true answers 200 with Content-Type text/event-stream', 'streaming'),
  C('streaming.chunks-schema', 'required', CHAT, 'streaming', 'Every stream event is a chunk valid against the chat-completion-chunk schema', 'streaming'),
  C('streaming.content', 'required', CHAT, 'streaming', "The stream's content deltas add up to the upstream's full reply", 'streaming'),
  C('streaming.done-last', 'required', CHAT, 'streaming', 'The stream ends with data: [DONE], once, as the last event', 'streaming'),
  C('streaming.incremental', 'recommended', CHAT, 'streaming', 'Chunks are passed on as they arrive, not held back until the end', 'streaming'),
  C('streaming.upstream-garbage', 'recommended', CHAT, 'streaming', 'An unreadable upstream stream ends in an error: a non-200 JSON error, or an error event followed by data: [DONE]', 'streaming'),
  C('streaming.upstream-error', 'recommended', CHAT, 'streaming', "An error event from the upstream in the middle of its stream (each dialect's own kind) ends the stream with an error event and data: [DONE]", 'streaming'),
  C('streaming.error-before-stream', 'required', CHAT, 'streaming', 'An upstream 401 on a stream request is an ordinary non-200 JSON error', 'streaming'),
  C('capabilities.function-calling', 'required', CHAT, 'capabilities', 'A request with tools is accepted (200) and the tools reach the upstream', 'function_calling'),
  C('capabilities.vision', 'required', CHAT, 'capabilities', 'An image_url content part is accepted (200) and reaches the upstream', 'vision'),
  // Late on purpose: a plugin that ignores its timeout costs one bounded wait, after the rest.
  C('errors.timeout', 'required', CHAT, 'errors', "An upstream slower than the plugin's timeout config becomes timeout"),
  C('error-table.invalid-request', 'recommended', '*', 'errors', 'invalid_request answers use HTTP 400 and transient: false'),
  C('error-table.model-not-found', 'recommended', CHAT, 'errors', 'model_not_found answers use HTTP 404 and transient: false'),
  C('error-table.authentication-failed', 'recommended', CHAT, 'errors', 'authentication_failed answers use HTTP 401 and transient: false'),
  C('error-table.rate-limit', 'recommended', CHAT, 'errors', 'rate_limit_exceeded answers use HTTP 429, transient: true, and a Retry-After header or details.retry_after'),
  C('error-table.provider-unavailable', 'recommended', CHAT, 'errors', 'provider_unavailable answers use HTTP 502 or 503 and transient: true'),
  C('error-table.timeout', 'recommended', CHAT, 'errors', 'timeout answers use HTTP 504 and transient: true'),
  C('error-table.internal-error', 'recommended', CHAT, 'errors', 'internal_error answers use HTTP 500 and transient: false'),
  C('errors.unknown-path', 'recommended', 'GET /loom-plugin-test/unknown', 'errors', 'An unknown path answers non-200 with a valid error body'),
];

/**
 * What must pass before a check is worth running (CheckInfo.requires). A check not listed
 * here needs an initialized plugin; the manifest rules need nothing. One failed
 * prerequisite is then one root cause in the report, not forty failures.
 */
const INITIALIZED = ['lifecycle.initialize'];
const HEALTHY = ['lifecycle.initialize', 'health.schema'];
const COMPLETES = ['lifecycle.initialize', 'chat.schema'];
const REQUIRES: Readonly<Record<string, readonly string[]>> = {
  'manifest/yaml-only': [],
  'auto-start/disabled': [],
  'file/bom': [],
  'env/unquoted-value': [],
  'endpoint/trailing-slash': [],
  // Every request goes to the URLs the host builds: if those fail, nothing else can run.
  'lifecycle.before-initialize': ['endpoint/trailing-slash'],
  'lifecycle.initialize': ['endpoint/trailing-slash'],
  // Its first step ({} under the loom-host profile) is its own; the shapes it reads later
  // block it from inside the check (ctx.unlessFailed), after that step was judged.
  'host.load-sequence': ['lifecycle.initialize'],
  'lifecycle.reinitialize': HEALTHY,
  // With {} refused in the load sequence, the same refusal here is no second mistake.
  'lifecycle.initialize-empty': [...HEALTHY, 'host.load-sequence'],
  // Both start with /cleanup: a /cleanup that failed its own check is that one mistake.
  'lifecycle.health-after-cleanup': [...HEALTHY, 'lifecycle.cleanup'],
  // The host's reload sends {} as its load does: a {} refused there is that check's mistake.
  'lifecycle.reload': [...HEALTHY, 'lifecycle.cleanup', 'host.load-sequence'],
  'health.healthy': ['health.schema'],
  'metadata.matches-manifest': ['metadata.schema'],
  'metadata.descriptive-fields': ['metadata.schema'],
  'models.non-empty-unique': ['models.schema'],
  // They judge their completions by the same schema: a bad shape is chat.schema's failure.
  'chat.unknown-fields': COMPLETES,
  'capabilities.function-calling': COMPLETES,
  'capabilities.vision': COMPLETES,
};

/**
 * Checks that only wait, and what must pass before they may wait alongside the checks
 * that follow (CheckInfo.background). errors.timeout holds a hung upstream request for the
 * plugin's whole timeout (1 s at least). It may start early only once the lifecycle checks,
 * which change the plugin's state, are behind (lifecycle.reload is the last of them), and
 * the plugin has shown that another /initialize is harmless (it re-initializes with a short
 * timeout). Then the runner asks the plugin to answer a chat while another is held back:
 * a plugin that serves one request at a time, or that does not forward a chat's text
 * unchanged (the mock knows each provoked fault by a marker in that text), gets the check
 * in its place, as before (see background-check.ts).
 */
const BACKGROUND: Readonly<Record<string, readonly string[]>> = {
  'errors.timeout': ['lifecycle.reinitialize', 'lifecycle.reload'],
};

export const CHECKS: readonly CheckInfo[] = Object.freeze(
  CHECKS_IN_ORDER.map((check) =>
    Object.freeze({ ...check, requires: REQUIRES[check.id] ?? INITIALIZED, ...(BACKGROUND[check.id] ? { background: BACKGROUND[check.id] } : {}) }),
  ),
);

export const CHECK_IDS: readonly string[] = CHECKS.map((check) => check.id);

export function findCheck(id: string): CheckInfo | undefined {
  return CHECKS.find((check) => check.id === id);
}

/**
 * True when `id` matches `pattern`, where `*` matches any run of characters (dots included):
 * `errors.*`, `*.schema`, `*timeout*`. Walked by hand, not through a RegExp: one built from
 * many stars backtracked for hours, and a long pattern is "too large" for the engine.
 * Time is at most pattern length x id length.
 */
export function globMatches(pattern: string, id: string): boolean {
  let p = 0;
  let i = 0;
  // The last star seen, and the id position it has swallowed up to: retried one further on a mismatch.
  let star = -1;
  let swallowed = 0;
  while (i < id.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      swallowed = i;
    } else if (p < pattern.length && pattern[p] === id[i]) {
      p += 1;
      i += 1;
    } else if (star >= 0) {
      p = star + 1;
      swallowed += 1;
      i = swallowed;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** A pattern as a message shows it: quoted, cut short. */
function shown(pattern: string): string {
  return `"${pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern}"`;
}

function matching(pattern: string, flag: string): Set<string> {
  const trimmed = pattern.trim();
  const ids = CHECK_IDS.filter((id) => globMatches(trimmed, id));
  if (ids.length === 0) {
    const suggestion = didYouMean(trimmed);
    throw new LoomPluginError('E_USAGE', `${flag} ${shown(pattern)} matches no check.`, {
      hint: suggestion
        ? `Did you mean "${suggestion}"? Run loom-plugin test --list for every id.`
        : 'Run loom-plugin test --list for every id; globs such as errors.* work too.',
    });
  }
  return new Set(ids);
}

/**
 * The checks to run, in catalogue order: all of them, or those matching `only`, minus
 * those matching `skip`. Each pattern is an id or a glob; one that matches nothing is a
 * usage error with a did-you-mean.
 */
export function selectChecks(only: readonly string[], skip: readonly string[]): CheckInfo[] {
  const onlyPatterns = only.filter((p) => p.trim() !== '');
  const skipPatterns = skip.filter((p) => p.trim() !== '');
  const wanted = new Set<string>();
  for (const pattern of onlyPatterns) for (const id of matching(pattern, '--only')) wanted.add(id);
  const unwanted = new Set<string>();
  for (const pattern of skipPatterns) for (const id of matching(pattern, '--skip')) unwanted.add(id);
  return CHECKS.filter((check) => (onlyPatterns.length === 0 || wanted.has(check.id)) && !unwanted.has(check.id));
}

/** Closest id or group glob (`errors.*`) for a pattern that matched nothing. */
function didYouMean(input: string): string | undefined {
  // Far longer than any id is no typo of one (and the distance costs length x length).
  if (input.length > 100) return undefined;
  const groups = [...new Set(CHECK_IDS.filter((id) => !id.includes('/')).map((id) => `${id.split('.')[0] ?? id}.*`))];
  return closestName(input, [...CHECK_IDS, ...groups]);
}
