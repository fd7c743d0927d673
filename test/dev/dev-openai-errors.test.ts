/**
 * The Loom -> OpenAI error translation on its own: the table, bodies that are not Loom
 * errors, and error events split across stream chunks at any byte.
 */
import { describe, expect, it } from 'vitest';
import { SseErrorRewriter, translateErrorAnswer } from '../../src/core/dev/openai-errors.js';

const same = (text: string): string => text;

describe('translateErrorAnswer', () => {
  it.each([
    ['invalid_request', 400, 400, 'invalid_request_error', 'invalid_request'],
    ['authentication_failed', 401, 401, 'authentication_error', 'authentication_failed'],
    ['quota_exceeded', 402, 429, 'insufficient_quota', 'insufficient_quota'],
    ['model_not_found', 404, 404, 'invalid_request_error', 'model_not_found'],
    ['content_filter', 422, 400, 'invalid_request_error', 'content_filter'],
    ['rate_limit_exceeded', 429, 429, 'requests', 'rate_limit_exceeded'],
    ['internal_error', 500, 500, 'server_error', 'internal_error'],
    ['provider_unavailable', 502, 503, 'service_unavailable_error', 'provider_unavailable'],
    ['timeout', 504, 504, 'timeout_error', 'timeout'],
  ])('%s (plugin %i) -> %i %s', (code, pluginStatus, status, type, openAiCode) => {
    const out = translateErrorAnswer(pluginStatus, JSON.stringify({ code, message: `m-${code}`, transient: false }), undefined, same);
    expect(out.status).toBe(status);
    expect(out.body).toEqual({ error: { message: `m-${code}`, type, param: null, code: openAiCode } });
    expect(out.headers['x-should-retry']).toBe('false');
  });

  it('takes Retry-After from the header first, else from details.retry_after', () => {
    const body = JSON.stringify({ code: 'rate_limit_exceeded', message: 'slow', transient: true, details: { retry_after: 3 } });
    expect(translateErrorAnswer(429, body, '9', same).headers).toEqual({ 'x-should-retry': 'true', 'retry-after': '9' });
    expect(translateErrorAnswer(429, body, undefined, same).headers).toEqual({ 'x-should-retry': 'true', 'retry-after': '3' });
  });

  it('keeps an unknown code with the status of an internal error, and says when the body is no Loom error', () => {
    expect(translateErrorAnswer(418, '{"code":"teapot","message":"short and stout","transient":false}', undefined, same)).toMatchObject({
      status: 500,
      body: { error: { message: 'short and stout', type: 'api_error', code: 'teapot' } },
    });
    const html = translateErrorAnswer(503, '<html>down</html>', undefined, same);
    expect(html.status).toBe(503);
    expect(html.body.error).toMatchObject({ type: 'api_error', code: 'plugin_error' });
    expect(html.body.error.message).toContain('<html>down</html>');
    // A 201 is not success for Loom; the client gets an error status, never a 2xx.
    expect(translateErrorAnswer(201, '{}', undefined, same).status).toBe(502);
  });

  it('masks the message it writes', () => {
    const out = translateErrorAnswer(500, JSON.stringify({ code: 'internal_error', message: 'key s"e\\c was refused', transient: false }), undefined, (t) => t.replaceAll('s"e\\c', '***'));
    expect(out.body.error.message).toBe('key *** was refused');
  });
});

describe('SseErrorRewriter', () => {
  const chunk = 'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi \\"code\\""}}]}\n\n';
  const loomEvent = 'data: {"code":"timeout","message":"upstream took too long","transient":true}\r\n\r\n';
  const stream = `${chunk}${loomEvent}data: [DONE]\n\n`;
  const expected = `${chunk}data: {"error":{"message":"upstream took too long","type":"timeout_error","param":null,"code":"timeout"}}\r\n\r\ndata: [DONE]\n\n`;

  it('rewrites a Loom error event wherever the chunks are cut, and nothing else', () => {
    const bytes = Buffer.from(stream);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const rewriter = new SseErrorRewriter(same);
      const out = Buffer.concat([rewriter.push(bytes.subarray(0, cut)), rewriter.push(bytes.subarray(cut)), rewriter.end()]).toString();
      expect(out, `cut at ${cut}`).toBe(expected);
    }
  });

  it('passes a chunk that ends on a line and holds no "code" on as the same buffer', () => {
    const rewriter = new SseErrorRewriter(same);
    const plain = Buffer.from('data: {"choices":[]}\n\n');
    expect(rewriter.push(plain)).toBe(plain);
  });
});
