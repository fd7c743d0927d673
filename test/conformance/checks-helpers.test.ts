import { describe, expect, it } from 'vitest';
import { CheckFailure, expect200Json, expectErrorAnswer, expectWireSchema, tableMismatches } from '../../src/core/conformance/check-helpers.js';
import type { Exchange } from '../../src/core/runtime/http-client.js';

function exchange(status: number | undefined, bodyText: string, headers: Record<string, string> = {}): Exchange {
  let json: unknown;
  let jsonError: string | undefined;
  try {
    json = bodyText === '' ? undefined : JSON.parse(bodyText);
  } catch (error) {
    jsonError = (error as Error).message;
  }
  return {
    request: { method: 'POST', url: 'http://127.0.0.1:1/chat/completions', headers: {} },
    ...(status === undefined ? { error: { kind: 'connect', message: 'connection refused' } } : { status }),
    headers,
    bodyText,
    ...(json === undefined ? {} : { json }),
    ...(jsonError ? { jsonError } : {}),
    durationMs: 1,
    truncated: false,
  } as Exchange;
}

async function failureOf(work: () => unknown): Promise<CheckFailure> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CheckFailure) return error;
    throw error;
  }
  throw new Error('it passed');
}

describe('expect200Json', () => {
  it('accepts exactly 200 with JSON and returns the body', () => {
    expect(expect200Json(exchange(200, '{"a":1}'), 'X')).toEqual({ a: 1 });
  });

  it('refuses 201, a missing answer and a non-JSON body, saying which', async () => {
    expect((await failureOf(() => expect200Json(exchange(201, '{}'), 'POST /initialize'))).message).toBe('POST /initialize answered HTTP 201; Loom accepts exactly 200.');
    expect((await failureOf(() => expect200Json(exchange(undefined, ''), 'GET /health'))).message).toContain('no answer (connection refused)');
    expect((await failureOf(() => expect200Json(exchange(200, 'OK'), 'GET /health'))).message).toContain('body is not JSON');
  });
});

describe('expectErrorAnswer', () => {
  const good = '{"code":"rate_limit_exceeded","message":"slow down","transient":true,"details":{"retry_after":3}}';

  it('accepts the flat error object with the expected code', async () => {
    await expect(expectErrorAnswer(exchange(429, good), 'X', 'rate_limit_exceeded')).resolves.toMatchObject({ code: 'rate_limit_exceeded' });
  });

  it('names each way an error answer can be wrong', async () => {
    const message = async (status: number, body: string, code?: 'invalid_request') => (await failureOf(() => expectErrorAnswer(exchange(status, body), 'X', code))).message;
    expect(await message(200, '{}')).toBe('X answered HTTP 200 instead of an error.');
    expect(await message(500, '<html>')).toContain('not JSON');
    expect(await message(400, '{"error":{"message":"bad","type":"invalid_request_error"}}')).toContain('{"error": {...}} body');
    expect(await message(400, '{"code":"bad_request","message":"x","transient":false}')).toContain('does not match the error schema');
    expect(await message(400, '{"code":"invalid_request","message":"","transient":false}')).toContain('does not match the error schema');
    expect(await message(400, '{"code":"internal_error","message":"x","transient":false}', 'invalid_request')).toBe('X answered code "internal_error"; expected "invalid_request".');
  });
});

describe('tableMismatches', () => {
  it('is empty when status and transient follow the table', () => {
    expect(tableMismatches(exchange(503, ''), { code: 'provider_unavailable', message: 'x', transient: true })).toEqual([]);
    expect(tableMismatches(exchange(502, ''), { code: 'provider_unavailable', message: 'x', transient: true })).toEqual([]);
  });

  it('lists a wrong status and a wrong transient flag', () => {
    expect(tableMismatches(exchange(500, ''), { code: 'rate_limit_exceeded', message: 'x', transient: false })).toEqual([
      'rate_limit_exceeded came with HTTP 500; the table says 429',
      'rate_limit_exceeded came with transient: false; the table says true',
    ]);
  });
});

describe('expectWireSchema', () => {
  const body = (created: string, total: string, index: string) =>
    `{"id":"c","object":"chat.completion","created":${created},"model":"m","choices":[{"index":${index},"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":${total}}}`;
  it('catches integers written as 5.0 or 1.7e9, which JSON.parse would hide', async () => {
    await expectWireSchema('chat-completion-response', body('1700000000', '5', '0'), 'X');
    const failure = await failureOf(() => expectWireSchema('chat-completion-response', body('1.7e9', '5.0', '0'), 'X'));
    expect(failure.details).toEqual([
      "/created is written 1.7e9; write a plain integer such as 1700000000 (Go's decoder rejects fractions and exponents).",
      "/usage/total_tokens is written 5.0; write a plain integer such as 5 (Go's decoder rejects fractions and exponents).",
    ]);
    // The raw keyword stays as data, for JSON output.
    expect(failure.schemaErrors?.map((error) => [error.path, error.keyword])).toEqual([['/created', 'type'], ['/usage/total_tokens', 'type']]);
  });
  it('knows every integer field from the schema, not from a list of keys', async () => {
    const failure = await failureOf(() => expectWireSchema('chat-completion-response', body('1700000000', '5', '0.0'), 'X'));
    expect(failure.details).toEqual(["/choices/0/index is written 0.0; write a plain integer such as 0 (Go's decoder rejects fractions and exponents)."]);
  });
  it('reports a shape problem before integer spelling, and a body that is not JSON', async () => {
    const shape = await failureOf(() => expectWireSchema('chat-completion-response', body('1.7e9', '5', '0').replace('"content":"hi"', '"content":["hi"]'), 'X'));
    expect(shape.message).toBe('X does not match the chat-completion-response schema.');
    const notJson = await failureOf(() => expectWireSchema('health', '{"healthy": tru', 'X'));
    expect(notJson.message).toMatch(/^X is not JSON/);
  });
  it('leaves fractions alone where the schema allows numbers', async () => {
    await expectWireSchema('models', '[{"id":"m","name":"M","cost_per_mtoken":1.5e0}]', 'X');
  });
});
