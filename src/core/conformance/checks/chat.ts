/**
 * /chat/completions on the happy path: the response shape with the host's strict types,
 * usage arithmetic, forwarding to the upstream, tolerance of unknown fields, concurrency.
 */
import type { Exchange, ProgressClock } from '../../runtime/http-client.js';
import { expect200Json, expectWireSchema, fail, isObject } from '../check-helpers.js';
import type { CheckImpl, SuiteContext, UpstreamChat } from './context.js';
import { DIALECTS, findDialect } from '../../runtime/dialects/index.js';
import type { CommonChat } from '../../runtime/dialects/types.js';

export const CONCURRENT_REQUESTS = 16;

interface BasicChat {
  request: Record<string, unknown>;
  exchange: Exchange;
  /** The chat request the mock received for it, when there is a mock. */
  upstream: UpstreamChat | undefined;
  /** Requests the mock could not route to any dialect ("POST /api/v3/generate"). */
  unrouted: string[];
}

/** One basic completion, shared by the chat.* checks (and what the mock saw of it). */
function basicChat(ctx: SuiteContext): Promise<BasicChat> {
  return ctx.memo('basic-chat', async () => {
    if (ctx.hasUpstream) ctx.mock.reset();
    const request = await ctx.basicRequest();
    const exchange = await ctx.client.request('POST', '/chat/completions', { json: request });
    // Keep the upstream's view now: later checks reset the mock's records.
    const upstream = ctx.hasUpstream ? ctx.upstreamChats().at(-1) : undefined;
    const unrouted = ctx.hasUpstream ? [...new Set(ctx.mock.received.filter((r) => r.dialect === undefined).map((r) => `${r.method} ${r.path}`))] : [];
    return { request, exchange, upstream, unrouted };
  });
}

/** A 200 with a body valid against chat-completion-response, integers written as integers. */
export async function expectCompletion(exchange: Exchange, what: string): Promise<Record<string, unknown>> {
  const body = expect200Json(exchange, what);
  await expectWireSchema('chat-completion-response', exchange.bodyText, what, exchange);
  return body as Record<string, unknown>;
}

/** What the upstream got that differs from what the plugin was sent, in common terms. */
function forwardingDifferences(request: Record<string, unknown>, got: CommonChat): string[] {
  const differences: string[] = [];
  const sent = (request.messages as { role: string; content: string }[]) ?? [];
  const system = sent.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const rest = sent.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content }));
  if (got.model !== request.model) differences.push(`model: the upstream got ${JSON.stringify(got.model) ?? 'none'}, the plugin was sent ${JSON.stringify(request.model)}`);
  if ((got.system ?? '') !== system) differences.push(`system prompt: the upstream got ${JSON.stringify(got.system) ?? 'none'}, expected ${JSON.stringify(system)}`);
  if (JSON.stringify(got.messages) !== JSON.stringify(rest)) differences.push(`messages: the upstream got ${JSON.stringify(got.messages).slice(0, 200)}, expected ${JSON.stringify(rest).slice(0, 200)}`);
  if (got.temperature !== request.temperature) differences.push(`temperature: the upstream got ${JSON.stringify(got.temperature) ?? 'nothing'}, expected ${String(request.temperature)}`);
  if (got.maxTokens !== request.max_tokens) differences.push(`max tokens: the upstream got ${JSON.stringify(got.maxTokens) ?? 'nothing'}, expected ${String(request.max_tokens)}`);
  return differences;
}

/**
 * The plugin did call the upstream, on paths no dialect serves: the usual cause is a
 * provider API the mock does not speak (or a pinned dialect that is not the plugin's),
 * so say that and what to do instead of only "no chat request".
 */
function failUnrouted(ctx: SuiteContext, unrouted: string[]): never {
  const sent = unrouted.slice(0, 3).join(', ') + (unrouted.length > 3 ? `, ... (${unrouted.length} in all)` : '');
  const pinned = ctx.mock.pinned ? findDialect(ctx.mock.dialect ?? 'openai') : undefined;
  if (pinned) {
    fail(`The upstream received no chat request it could read: the plugin sent ${sent}, which the pinned ${pinned.title} dialect does not serve.`, {
      expected: `a chat request in the ${pinned.title} format (--upstream-dialect ${pinned.name})`,
      details: ['Pin the dialect the plugin speaks with --upstream-dialect, or leave the flag out to have it detected.'],
    });
  }
  fail(`The upstream received no chat request it could read: the plugin sent ${sent}, which none of the mock's dialects (${DIALECT_TITLES}) uses.`, {
    expected: 'a chat request in one of the mock\'s dialects',
    details: [
      'If the provider speaks one of these dialects, check the path and the base URL the plugin builds.',
      'If it speaks none of them, run a fake provider of your own and test with --no-mock-upstream (see "Provider dialects" in docs/cli-test.md).',
    ],
  });
}

const DIALECT_TITLES = DIALECTS.map((dialect) => dialect.title).join(', ');

export const CHAT_CHECKS: Record<string, CheckImpl> = {
  'chat.schema': {
    needs: 'ready',
    async run(ctx) {
      const { exchange } = await basicChat(ctx);
      await expectCompletion(ctx.use(exchange), 'A basic chat completion');
    },
  },

  'chat.usage-adds-up': {
    needs: 'ready',
    async run(ctx) {
      const { exchange } = await basicChat(ctx);
      const body = expect200Json(ctx.use(exchange), 'A basic chat completion');
      const usage = isObject(body) && isObject(body.usage) ? body.usage : undefined;
      if (!usage) fail('The completion has no usage object.', { expected: 'usage: {prompt_tokens, completion_tokens, total_tokens}', exchange });
      const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = usage;
      if (typeof prompt !== 'number' || typeof completion !== 'number' || typeof total !== 'number') {
        fail('usage token counts are not all numbers.', { details: [`usage: ${JSON.stringify(usage)}`], exchange });
      }
      if (prompt + completion !== total) {
        fail(`usage does not add up: ${prompt} + ${completion} = ${prompt + completion}, but total_tokens is ${total}.`, {
          expected: 'prompt_tokens + completion_tokens = total_tokens',
          exchange,
        });
      }
    },
  },

  'chat.forwarded': {
    needs: 'ready',
    upstream: true,
    async run(ctx) {
      const { request, exchange, upstream: seen, unrouted } = await basicChat(ctx);
      ctx.use(exchange);
      if (!seen && unrouted.length > 0) failUnrouted(ctx, unrouted);
      if (!seen) fail('The upstream received no chat request for a basic completion.', { expected: 'the plugin forwards the request to the configured upstream' });
      const dialect = findDialect(ctx.mock.dialect ?? 'openai');
      const terms = dialect ? `, in ${dialect.title} terms` : '';
      if (!seen.chat) {
        fail(`The upstream could not read the chat request as ${dialect?.title ?? 'its dialect'}${seen.unreadable ? `: ${seen.unreadable.replace(/\.$/, '')}` : ''}.`, {
          expected: `a request in the ${dialect?.title ?? 'upstream'} format`,
          details: [`body: ${JSON.stringify(seen.body)?.slice(0, 200) ?? 'none'}`],
        });
      }
      const differences = forwardingDifferences(request, seen.chat);
      if (ctx.configField('api_key') && seen.key !== ctx.mock.apiKey) {
        const where = dialect?.authHint ?? 'Authorization: Bearer <api_key>';
        differences.push(`key: the upstream got ${seen.key === undefined ? 'no key where it expects one' : 'another value'}; expected ${where}`);
      }
      if (differences.length > 0) {
        fail(`The upstream did not receive the request as sent${terms} (${differences.length === 1 ? '1 difference' : `${differences.length} differences`}).`, {
          expected: `model, messages and system prompt, temperature, max tokens and the key (${dialect?.authHint ?? 'Bearer'}) forwarded`,
          details: differences,
        });
      }
    },
  },

  'chat.unknown-fields': {
    needs: 'ready',
    async run(ctx) {
      const request = {
        ...(await ctx.basicRequest('Ignore the fields you do not know.')),
        loom_plugin_test_unknown: { nested: [1, 2, 3], flag: true },
        x_future_option: 'tolerate me',
      };
      await expectCompletion(await ctx.chat(request), 'A chat request with unknown fields');
    },
  },

  'chat.concurrent': {
    needs: 'ready',
    async run(ctx) {
      const base = await ctx.basicRequest();
      // A plugin that answers them one after the other (one thread) is slow, not wrong:
      // each answer restarts the clock of the requests still waiting, so a loaded machine
      // cannot fail it. One that answers nothing more for a whole timeout fails, as with
      // the host. Nor does a request left waiting trip the breaker: the path does not hang.
      const progress: ProgressClock = {};
      const exchanges = await Promise.all(
        Array.from({ length: CONCURRENT_REQUESTS }, (_, index) =>
          ctx.client.request('POST', '/chat/completions', {
            json: { ...base, messages: [{ role: 'user', content: `Concurrent request number ${index + 1}.` }] },
            progress,
            trip: false,
          }),
        ),
      );
      const failed = exchanges.filter((exchange) => exchange.status !== 200 || !isObject(exchange.json) || !Array.isArray(exchange.json.choices));
      if (failed.length > 0) {
        ctx.use(failed[0] as Exchange);
        fail(`${failed.length} of ${CONCURRENT_REQUESTS} concurrent chat requests were not answered with a 200 completion.`, {
          expected: `all ${CONCURRENT_REQUESTS} answered with 200`,
          details: failed.slice(0, 5).map((exchange) => `${exchange.status ?? exchange.error?.message ?? 'no answer'}: ${exchange.bodyText.slice(0, 120)}`),
        });
      }
    },
  },
};
