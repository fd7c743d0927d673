/**
 * A plugin that dies in the middle of a stream: the client already has its 200, so the
 * host ends the stream with an OpenAI error event the SDK raises with a message, instead
 * of dropping the connection (the SDK's bare "Connection error.").
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;

beforeAll(async () => {
  t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, restartBaseMs: 200 });
  await t.host.ready;
}, 30_000);

afterAll(async () => {
  await t?.host.close();
});

describe('a stream the plugin cuts short', () => {
  it('reaches the openai SDK as an APIError saying the plugin stopped, after the words before it', async () => {
    const client = new OpenAI({ baseURL: `${t.host.url}/v1`, apiKey: t.host.token, maxRetries: 0, timeout: 10_000 });
    const stream = await client.chat.completions.create({ model: 'echo-dev-1', stream: true, messages: [{ role: 'user', content: '__crash_mid_stream__' }] });
    let words = '';
    let caught: unknown;
    try {
      for await (const chunk of stream) words += chunk.choices[0]?.delta?.content ?? '';
    } catch (error) {
      caught = error;
    }
    expect(words).toBe('echo(v1): ');
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect((caught as Error).message).toContain('The plugin stopped in the middle of the stream');
    const logged = await t.waitFor((e) => e.type === 'request' && e.entry.error !== undefined);
    expect(logged.type === 'request' && logged.entry.status).toBe(200);
  }, 20_000);
});
