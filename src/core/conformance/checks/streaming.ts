/**
 * Streaming (capability `streaming`): SSE framing, chunk schema, content, `[DONE]`, errors
 * before the stream starts, and that chunks are passed on as they arrive. The checks share
 * one streamed completion through the mock, which sends its chunks 20 ms apart by default.
 */
import type { StreamExchange } from '../../runtime/http-client.js';
import type { MockFault } from '../../runtime/mock-upstream.js';
import { replyText } from '../../runtime/mock-replies.js';
import { describeAnswer, expectErrorAnswer, expectWireSchema, fail, isObject } from '../check-helpers.js';
import type { CheckImpl, SuiteContext } from './context.js';

/** A stream request while the mock upstream plays `fault`; the mock is reset afterwards. */
async function streamWithFault(ctx: SuiteContext, fault: MockFault): Promise<StreamExchange> {
  const provoked = ctx.fault(fault);
  try {
    return await ctx.stream({ ...(await ctx.basicRequest(undefined, provoked)), stream: true });
  } finally {
    provoked.end();
  }
}

/** A buffered stream arrives in one burst; a passed-through one spreads over the mock's delays. */
export const MIN_STREAM_SPREAD_MS = 40;

interface BasicStream {
  exchange: StreamExchange;
  messages: { role: string; content: string }[];
}

function basicStream(ctx: SuiteContext): Promise<BasicStream> {
  return ctx.memo('basic-stream', async () => {
    if (ctx.hasUpstream) ctx.mock.reset();
    const request: Record<string, unknown> = { ...(await ctx.basicRequest('Please stream a few words back to me, one piece at a time.')), stream: true };
    const exchange = await ctx.client.stream('/chat/completions', request);
    return { exchange, messages: request.messages as BasicStream['messages'] };
  });
}

async function streamed(ctx: SuiteContext): Promise<BasicStream> {
  const result = await basicStream(ctx);
  const exchange = ctx.use(result.exchange);
  if (exchange.status !== 200) {
    fail(`A stream: true request answered ${describeAnswer(exchange)}.`, { expected: 'HTTP 200 with Content-Type text/event-stream', exchange });
  }
  return result;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Events run together: `data:` lines separated by a single newline are one SSE event
 * whose lines a client joins, so it sees neither the chunks nor [DONE] one by one.
 */
function framingProblem(exchange: StreamExchange): string | undefined {
  const merged = exchange.events.find((event) => event.includes('\n') && !isJson(event));
  if (merged === undefined) return undefined;
  const lines = merged.split('\n').length;
  return (
    `${lines} data: lines of the stream arrive as one event: SSE events are separated by a blank line, and these are separated by a single newline, ` +
    'so a client reads them as one event (not JSON, and no data: [DONE] of its own). End each event with a blank line: "data: {...}\\n\\n".'
  );
}

/**
 * The stream could be read as SSE events at all. When it could not, that is one mistake,
 * reported by the check it belongs to (`owner`): the checks that read the events after it
 * are blocked by it, instead of failing for what they cannot see.
 */
function expectReadable(ctx: SuiteContext, exchange: StreamExchange, owner?: 'streaming.chunks-schema'): void {
  const type = exchange.headers['content-type'] ?? '';
  if (!type.includes('text/event-stream')) {
    ctx.unlessFailed('streaming.content-type');
    fail(`The stream came with Content-Type ${type === '' ? '(none)' : JSON.stringify(type)}, so it was not read as server-sent events.`, {
      expected: 'Content-Type: text/event-stream',
      exchange,
    });
  }
  const problem = framingProblem(exchange);
  if (!problem) return;
  if (owner === undefined) ctx.unlessFailed('streaming.chunks-schema');
  fail(problem, { expected: 'each event as "data: <JSON>" followed by a blank line', exchange });
}

/** The chunk objects of a stream (everything but [DONE]); error events fail the check. */
function chunksOf(exchange: StreamExchange): { chunk: Record<string, unknown>; raw: string }[] {
  const chunks: { chunk: Record<string, unknown>; raw: string }[] = [];
  for (const [index, raw] of exchange.events.entries()) {
    if (raw.trim() === '[DONE]') continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(raw);
    } catch (error) {
      fail(`Stream event ${index + 1} is not JSON (${(error as Error).message}).`, { details: [raw.slice(0, 200)], exchange });
    }
    if (!isObject(chunk)) fail(`Stream event ${index + 1} is not a JSON object.`, { details: [raw.slice(0, 200)], exchange });
    if (typeof chunk.code === 'string' && typeof chunk.message === 'string') {
      fail(`The stream carried an error event: ${chunk.code}: ${chunk.message}.`, { exchange });
    }
    chunks.push({ chunk, raw });
  }
  return chunks;
}

/**
 * A stream whose upstream goes wrong after the 200 must tell the client: an error event
 * then [DONE], or (when the plugin had not started its own stream yet) a non-200 error.
 */
async function expectStreamEndsInError(ctx: SuiteContext, fault: MockFault, what: string): Promise<void> {
  const exchange = await streamWithFault(ctx, fault);
  if (exchange.status !== 200) {
    await expectErrorAnswer(exchange, what);
    return;
  }
  expectReadable(ctx, exchange);
  const errorEvent = exchange.events.find((event) => {
    try {
      const parsed: unknown = JSON.parse(event);
      return isObject(parsed) && typeof parsed.code === 'string' && typeof parsed.message === 'string' && typeof parsed.transient === 'boolean';
    } catch {
      return false;
    }
  });
  if (!errorEvent) {
    fail(`${what} ended without an error event: the client cannot tell the reply is broken.`, {
      expected: 'data: {"code": ..., "message": ..., "transient": ...} then data: [DONE] (or a non-200 JSON error before the stream starts)',
      details: [`events: ${exchange.events.map((e) => e.slice(0, 60)).join(' | ') || '(none)'}`],
      exchange,
    });
  }
  if (exchange.events.at(-1)?.trim() !== '[DONE]') {
    fail(`${what} sent an error event but did not end with data: [DONE].`, { expected: 'the error event followed by data: [DONE]', exchange });
  }
}

export const STREAMING_CHECKS: Record<string, CheckImpl> = {
  'streaming.content-type': {
    needs: 'ready',
    async run(ctx) {
      const { exchange } = await streamed(ctx);
      const type = exchange.headers['content-type'] ?? '';
      if (!type.includes('text/event-stream')) {
        fail(`A stream answered with Content-Type ${type === '' ? '(none)' : JSON.stringify(type)}.`, { expected: 'Content-Type: text/event-stream', exchange });
      }
    },
  },

  'streaming.chunks-schema': {
    needs: 'ready',
    async run(ctx) {
      const { exchange } = await streamed(ctx);
      expectReadable(ctx, exchange, 'streaming.chunks-schema');
      const chunks = chunksOf(exchange);
      if (chunks.length === 0) fail('The stream carried no chunk (no data: events with JSON).', { expected: 'data: <chat.completion.chunk JSON> events', exchange });
      for (const [index, { raw }] of chunks.entries()) {
        await expectWireSchema('chat-completion-chunk', raw, `Stream chunk ${index + 1}`, exchange);
      }
    },
  },

  'streaming.content': {
    needs: 'ready',
    upstream: true,
    async run(ctx) {
      const { exchange, messages } = await streamed(ctx);
      expectReadable(ctx, exchange);
      let content = '';
      for (const { chunk } of chunksOf(exchange)) {
        const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
        const delta = isObject(choices[0]) && isObject(choices[0].delta) ? choices[0].delta : {};
        if (typeof delta.content === 'string') content += delta.content;
      }
      const expected = replyText(messages);
      if (content !== expected) {
        fail("The stream's content deltas do not add up to the upstream's reply.", {
          expected: JSON.stringify(expected),
          details: [`streamed: ${JSON.stringify(content)}`],
          exchange,
        });
      }
    },
  },

  'streaming.done-last': {
    needs: 'ready',
    async run(ctx) {
      const { exchange } = await streamed(ctx);
      expectReadable(ctx, exchange);
      const done = exchange.events.filter((event) => event.trim() === '[DONE]').length;
      const last = exchange.events.at(-1)?.trim();
      if (done !== 1 || last !== '[DONE]') {
        fail(done === 0 ? 'The stream never sent data: [DONE].' : done > 1 ? `The stream sent data: [DONE] ${done} times.` : 'data: [DONE] is not the last event of the stream.', {
          expected: 'data: [DONE] once, as the last event',
          details: [`last event: ${last === undefined ? '(none)' : last.slice(0, 120)}`],
          exchange,
        });
      }
    },
  },

  'streaming.incremental': {
    needs: 'ready',
    upstream: true,
    async run(ctx) {
      const { exchange } = await streamed(ctx);
      const spread = (exchange.lastByteMs ?? 0) - (exchange.firstByteMs ?? 0);
      if (spread < MIN_STREAM_SPREAD_MS) {
        fail(`The whole stream arrived within ${spread.toFixed(1)} ms, although the upstream spaced its chunks out: the stream was held back until the end.`, {
          expected: 'each chunk written (and flushed) as it arrives from the upstream',
          details: [`first byte after ${exchange.firstByteMs?.toFixed(1) ?? '?'} ms, last byte after ${exchange.lastByteMs?.toFixed(1) ?? '?'} ms`],
          exchange,
        });
      }
    },
  },

  'streaming.upstream-garbage': {
    needs: 'ready',
    upstream: true,
    run: (ctx) => expectStreamEndsInError(ctx, 'malformed', 'A stream whose upstream sends an unreadable chunk'),
  },

  'streaming.upstream-error': {
    needs: 'ready',
    upstream: true,
    // The upstream's own error frame: OpenAI's data {"error"}, Anthropic's event: error,
    // Gemini's data {"error"}, Ollama's {"error"} line, Cohere's message-end with ERROR.
    run: (ctx) => expectStreamEndsInError(ctx, 'mid-stream-error', "A stream whose upstream sends its error event after the first chunks"),
  },

  'streaming.error-before-stream': {
    needs: 'ready',
    upstream: true,
    async run(ctx) {
      const exchange = await streamWithFault(ctx, 'unauthorized');
      if ((exchange.headers['content-type'] ?? '').includes('text/event-stream')) {
        fail(`An upstream 401 on a stream request was answered with an event stream (${describeAnswer(exchange)}).`, {
          expected: 'an ordinary non-200 JSON error (authentication_failed) before any stream starts',
          exchange,
        });
      }
      await expectErrorAnswer(exchange, 'A stream request the upstream answers with 401', 'authentication_failed');
    },
  },
};
