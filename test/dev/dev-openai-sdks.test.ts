/**
 * The dev host's /v1 door as the official OpenAI SDKs see it (the `openai` npm package and
 * the `openai` Python package, both real): list models, complete, stream, and the errors a
 * plugin gives, which must reach the SDK as OpenAI errors carrying the plugin's message.
 * The plugin is a stranger's: Python standard library only, JSON manifest, --port flag.
 * The Python SDK is installed into a cached venv on first run (about 30 s, once).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestHost, type TestHost } from './helpers.js';
import { run } from '../templates/toolchains.js';
import { CLIENT_SCRIPT, pythonWithOpenAi } from './sdk/python-sdk.js';

/** A key with a quote and a backslash: JSON escapes it, so a plain search misses it. */
const TRICKY_SECRET = 'sk-par"rot\\key-7731';

let t: TestHost;
let client: OpenAI;

beforeAll(async () => {
  t = await startTestHost({ path: `${FIXTURES}parrot-py`, watch: false, env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: TRICKY_SECRET } });
  await t.host.ready;
  client = new OpenAI({ baseURL: `${t.host.url}/v1`, apiKey: t.host.token, maxRetries: 0, timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await t?.host.close();
});

async function caught(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected the SDK to throw');
}

describe('the openai npm SDK', () => {
  it('lists models, completes and streams', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['parrot-small']);
    const completion = await client.chat.completions.create({ model: 'parrot-small', messages: [{ role: 'user', content: 'hello node' }] });
    expect(completion.choices[0]?.message.content).toBe('parrot says: hello node');
    const stream = await client.chat.completions.create({ model: 'parrot-small', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    const pieces: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces.join('')).toBe('parrot says: one two three');
    expect(pieces.length).toBeGreaterThan(3);
  });

  it("reports an unknown model as NotFoundError with the plugin's message", async () => {
    const error = await caught(client.chat.completions.create({ model: 'no-such-parrot', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toBe("404 parrot knows no model 'no-such-parrot'; it only has parrot-small");
    expect(error.code).toBe('model_not_found');
    expect(error.type).toBe('invalid_request_error');
  });

  it('reports a rate limit as RateLimitError with Retry-After, and a quota as a 429 the SDK is told not to retry', async () => {
    const limited = await caught(client.chat.completions.create({ model: 'parrot-small', messages: [{ role: 'user', content: 'slow down' }] }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.message).toBe('429 parrot is out of breath, retry in 7 s');
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers?.get('retry-after')).toBe('7');
    expect(limited.headers?.get('x-should-retry')).toBe('true');
    const quota = await caught(client.chat.completions.create({ model: 'parrot-small', messages: [{ role: 'user', content: 'quota' }] }));
    expect(quota.status).toBe(429);
    expect(quota.code).toBe('insufficient_quota');
    expect(quota.headers?.get('x-should-retry')).toBe('false');
  });

  it('raises an error event inside a stream as an APIError after the words before it', async () => {
    const stream = await client.chat.completions.create({ model: 'parrot-small', stream: true, messages: [{ role: 'user', content: 'fail midway' }] });
    const pieces: string[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      })(),
    );
    expect(pieces).toEqual(['parrot']);
    expect(error.message).toContain('the upstream dropped the stream after one word');
    expect(error.code).toBe('provider_unavailable');
  });

  it('reports a body that is not a Loom error as an InternalServerError that says so', async () => {
    const error = await caught(client.chat.completions.create({ model: 'parrot-small', messages: [{ role: 'user', content: 'garbage' }] }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.message).toContain('The plugin answered 500 without a Loom error body');
    expect(error.message).toContain('<html>');
  });

  it('masks a key the plugin echoes in an error message, quotes and backslash included', async () => {
    const error = await caught(client.chat.completions.create({ model: 'parrot-small', messages: [{ role: 'user', content: 'leak' }] }));
    expect(error.status).toBe(500);
    expect(error.message).toBe('500 upstream refused key ***');
    const log = await t.call('GET', '/api/requests');
    expect(log.text).toContain('upstream refused key ***');
    expect(log.text).not.toContain('rot\\\\key');
    expect(log.text).not.toContain('rot\\key');
  });

  it('reports a bad token as AuthenticationError', async () => {
    const stranger = new OpenAI({ baseURL: `${t.host.url}/v1`, apiKey: 'not-the-token', maxRetries: 0 });
    const error = await caught(stranger.models.list());
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_token');
  });
});

interface PythonFailure {
  class: string;
  status: number | null;
  message: string;
  code: string | null;
  type: string | null;
  retry_after: string | null;
}

describe('the openai Python SDK', () => {
  let seen: {
    sdk_version: string;
    models: string[];
    completion: string;
    stream: string[];
    unknown_model: PythonFailure;
    rate_limited: PythonFailure;
    stream_error: PythonFailure & { before: string[] };
    bad_token: PythonFailure;
  };

  beforeAll(async () => {
    const python = await pythonWithOpenAi();
    const result = await run(python, [CLIENT_SCRIPT, `${t.host.url}/v1`, t.host.token], { cwd: process.cwd(), timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`the Python SDK script failed:\n${result.output}`);
    seen = JSON.parse(result.output.trim().split('\n').pop()!) as typeof seen;
  }, 400_000);

  it('lists models, completes and streams', () => {
    expect(seen.sdk_version).toMatch(/^3\./);
    expect(seen.models).toEqual(['parrot-small']);
    expect(seen.completion).toBe('parrot says: hello python');
    expect(seen.stream.join('')).toBe('parrot says: one two three');
  });

  it("raises NotFoundError with the plugin's message for an unknown model", () => {
    expect(seen.unknown_model).toMatchObject({ class: 'NotFoundError', status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    expect(seen.unknown_model.message).toContain("parrot knows no model 'no-such-parrot'; it only has parrot-small");
  });

  it('raises RateLimitError with Retry-After', () => {
    expect(seen.rate_limited).toMatchObject({ class: 'RateLimitError', status: 429, code: 'rate_limit_exceeded', retry_after: '7' });
    expect(seen.rate_limited.message).toContain('parrot is out of breath');
  });

  it('raises the error event inside a stream as APIError with its message', () => {
    expect(seen.stream_error).toMatchObject({ class: 'APIError', message: 'the upstream dropped the stream after one word', code: 'provider_unavailable', before: ['parrot'] });
  });

  it('raises AuthenticationError for a bad token', () => {
    expect(seen.bad_token).toMatchObject({ class: 'AuthenticationError', status: 401, code: 'invalid_token' });
  });
});
