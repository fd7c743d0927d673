/**
 * A /v1 request body over the dev host's limit is answered, not cut: 413 with an
 * OpenAI-style error object, which is what OpenAI clients know how to show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/core/dev/http-util.js';
import { FIXTURES, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ path: `${FIXTURES}echo`, watch: false });
}, 30_000);
afterAll(() => t.host.close());

describe('/v1 body limit', () => {
  it.each([
    ['streamed without a length', false],
    ['with a Content-Length over the limit', true],
  ])('a body over the limit %s gets 413 and an OpenAI error, not a reset', async (_name, declared) => {
    const big = JSON.stringify({ model: 'echo-dev-1', messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES + 1024) }] });
    const bytes = new TextEncoder().encode(big);
    // A stream body has no Content-Length: the host only finds out while reading.
    const body = declared
      ? bytes
      : new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < bytes.length; at += 1024 * 1024) controller.enqueue(bytes.subarray(at, at + 1024 * 1024));
            controller.close();
          },
        });
    const response = await fetch(`${t.host.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.host.token}`, 'content-type': 'application/json' },
      body,
      ...(declared ? {} : { duplex: 'half' }),
    } as RequestInit);
    expect(response.status).toBe(413);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'request_too_large' });
    expect(String(json.error.message)).toContain(String(MAX_BODY_BYTES));
    // The host still serves.
    const after = await t.call('GET', '/v1/models');
    expect(after.status).toBe(200);
  }, 30_000);
});
