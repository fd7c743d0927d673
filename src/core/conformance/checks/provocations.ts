/**
 * The requests that provoke each error of the contract. `errors.*` checks judge the shape
 * and code of the answer (required); `error-table.*` checks judge the HTTP status and
 * transient flag of the same answers (recommended). Each provocation runs once per suite
 * (memoized), so the two levels cost one request, not two.
 */
import type { ConfigField } from '../../manifest/types.js';
import type { PluginErrorCode } from '../../protocol.js';
import type { Exchange } from '../../runtime/http-client.js';
import { MOCK_UNKNOWN_MODEL } from '../../runtime/mock-upstream.js';
import { fail, skip } from '../check-helpers.js';
import type { CheckImpl, ConfigValues, SuiteContext } from './context.js';

export interface Provocation {
  code: PluginErrorCode;
  /** What was sent, for messages: "A body that is not JSON". */
  what: string;
  needs: CheckImpl['needs'];
  upstream?: boolean;
  send(ctx: SuiteContext): Promise<Exchange>;
}

export const UNKNOWN_MODEL = MOCK_UNKNOWN_MODEL;

/**
 * The required field to leave out: api_key or the upstream field first, because leaving
 * those out has a visible effect (the mock refuses or never hears from the plugin).
 */
export function missingField(ctx: SuiteContext): ConfigField | undefined {
  const required = (ctx.manifest.metadata.config_schema ?? []).filter((field) => field.required);
  return required.find((field) => field.name === 'api_key') ?? required.find((field) => field.name === ctx.upstreamField) ?? required[0];
}

/** A field and a value of the wrong type for it: typed fields first, they are the ones plugins parse. */
function wrongTypeValue(fields: readonly ConfigField[]): { field: ConfigField; value: string | number } | undefined {
  const typed = fields.find((field) => field.type === 'int' || field.type === 'float' || field.type === 'bool');
  if (typed) return { field: typed, value: typed.type === 'bool' ? 'not-a-boolean' : 'not-a-number' };
  const text = fields.find((field) => field.type === 'string' && field.required) ?? fields.find((field) => field.type === 'string');
  return text ? { field: text, value: 12345 } : undefined;
}

/** The smallest timeout the config schema allows, in seconds (1 when it names none). */
function shortestTimeout(ctx: SuiteContext): number | undefined {
  const field = ctx.configField('timeout');
  if (!field || (field.type !== 'int' && field.type !== 'float')) return undefined;
  return field.validation?.min !== undefined && field.validation.min > 0 ? field.validation.min : 1;
}

/** How long the timeout provocation holds the plugin (its own shortest timeout), if it can run. */
export function timeoutWaitMs(ctx: SuiteContext): number | undefined {
  const seconds = shortestTimeout(ctx);
  return seconds === undefined ? undefined : Math.min(seconds * 1000, 30_000);
}

async function upstreamFault(ctx: SuiteContext, fault: Parameters<SuiteContext['fault']>[0], options: { retryAfterSeconds?: number } = {}): Promise<Exchange> {
  const provoked = ctx.fault(fault, options);
  try {
    return await ctx.chat(await ctx.basicRequest(undefined, provoked));
  } finally {
    provoked.end();
  }
}

export const PROVOCATIONS = {
  'config-missing-field': {
    code: 'invalid_request',
    what: '/initialize without a required config field',
    needs: 'uninitialized',
    async send(ctx) {
      const field = missingField(ctx);
      if (!field) skip('the config schema has no required field');
      const body: ConfigValues = { ...ctx.initConfig };
      delete body[field.name];
      // A plugin may fall back to LOOM_CONFIG_* only for `{}`; keep the body non-empty.
      if (Object.keys(body).length === 0) body.loom_plugin_test = true;
      return ctx.initialize(body, false);
    },
  },
  'config-wrong-type': {
    code: 'invalid_request',
    what: '/initialize with a config value of the wrong type',
    needs: 'uninitialized',
    async send(ctx) {
      const wrong = wrongTypeValue(ctx.manifest.metadata.config_schema ?? []);
      if (!wrong) skip('the config schema has no field');
      return ctx.initialize({ ...ctx.initConfig, [wrong.field.name]: wrong.value }, false);
    },
  },
  'invalid-json': {
    code: 'invalid_request',
    what: 'A chat request whose body is not JSON',
    needs: 'ready',
    send: (ctx) => ctx.request('POST', '/chat/completions', { rawBody: '{"model": "x", "messages": [ this is not JSON' }),
  },
  'missing-messages': {
    code: 'invalid_request',
    what: 'A chat request without messages',
    needs: 'ready',
    send: async (ctx) => ctx.chat({ model: await ctx.model() }),
  },
  'messages-not-array': {
    code: 'invalid_request',
    what: 'A chat request whose messages is a string',
    needs: 'ready',
    send: async (ctx) => ctx.chat({ model: await ctx.model(), messages: 'Hello, is this an array?' }),
  },
  'unknown-model': {
    code: 'model_not_found',
    what: `A chat request for the unknown model "${UNKNOWN_MODEL}"`,
    needs: 'ready',
    send: async (ctx) => ctx.chat({ ...(await ctx.basicRequest()), model: UNKNOWN_MODEL }),
  },
  authentication: {
    code: 'authentication_failed',
    what: 'A chat request the upstream answers with 401',
    needs: 'ready',
    upstream: true,
    send: (ctx) => upstreamFault(ctx, 'unauthorized'),
  },
  'rate-limit': {
    code: 'rate_limit_exceeded',
    what: 'A chat request the upstream answers with 429 and Retry-After: 1',
    needs: 'ready',
    upstream: true,
    send: (ctx) => upstreamFault(ctx, 'rate-limit', { retryAfterSeconds: 1 }),
  },
  unavailable: {
    code: 'provider_unavailable',
    what: 'A chat request the upstream answers with 503',
    needs: 'ready',
    upstream: true,
    send: (ctx) => upstreamFault(ctx, 'unavailable'),
  },
  reset: {
    code: 'provider_unavailable',
    what: 'A chat request whose upstream connection is reset',
    needs: 'ready',
    upstream: true,
    send: (ctx) => upstreamFault(ctx, 'reset'),
  },
  malformed: {
    code: 'internal_error',
    what: 'A chat request the upstream answers with 200 and a garbage body',
    needs: 'ready',
    upstream: true,
    send: (ctx) => upstreamFault(ctx, 'malformed'),
  },
  timeout: {
    code: 'timeout',
    what: "A chat request the upstream never answers (plugin's timeout set to its minimum)",
    needs: 'ready',
    upstream: true,
    async send(ctx) {
      const seconds = shortestTimeout(ctx);
      if (seconds === undefined) skip('the config schema has no numeric "timeout" field');
      const init = await ctx.initialize({ ...ctx.initConfig, timeout: seconds }, false);
      if (init.status !== 200) {
        fail(`/initialize with timeout: ${seconds} answered ${init.status ?? 'nothing'}, so the timeout could not be provoked.`, { exchange: init });
      }
      // In the background the others go on meanwhile with this config: only the timeout differs.
      if (ctx.inBackground) ctx.state = 'ready';
      const hang = ctx.fault('hang');
      try {
        // Wait for the plugin's own timeout (capped at the host's 30 s: a field counted in
        // milliseconds must not make us wait minutes) plus our per-request budget; never
        // trip the breaker here, the hang is ours.
        const waitMs = Math.min(seconds * 1000, 30_000) + ctx.timeoutMs;
        const answer = ctx.chat(await ctx.basicRequest(undefined, hang), { timeoutMs: waitMs, breaker: false });
        await ctx.waiting(hang, answer);
        return await answer;
      } finally {
        hang.end();
        ctx.state = 'dirty';
      }
    },
  },
} satisfies Record<string, Provocation>;

export type ProvocationKey = keyof typeof PROVOCATIONS;

/** The answer to a provocation, sent once per suite. */
export async function provoke(ctx: SuiteContext, key: ProvocationKey): Promise<Exchange> {
  const provocation: Provocation = PROVOCATIONS[key];
  if (provocation.upstream && !ctx.hasUpstream) skip(ctx.upstreamUnavailable ?? 'no mock upstream');
  const fresh = !ctx.hasMemo(`provoke:${key}`);
  if (fresh) await ctx.prepare(provocation.needs);
  return ctx.use(await ctx.memo(`provoke:${key}`, () => provocation.send(ctx)));
}
