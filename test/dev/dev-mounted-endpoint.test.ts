/**
 * An endpoint with a path prefix (a plugin mounted below /api/loom): Loom joins endpoint
 * and path as strings, so loading, health and the /v1 door all reach the plugin below
 * its prefix. A pool is made for the origin; the prefix goes into each request's path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.host.close();
  t = undefined;
});

describe('a plugin mounted below a path prefix', () => {
  it('is loaded and answers through /v1', async () => {
    t = await startTestHost({ path: `${FIXTURES}mounted-py`, watch: false });
    await t.host.ready;
    expect(t.host.state()[0]!.state).toBe('healthy');
    const answer = await t.call('POST', '/v1/chat/completions', { body: { model: 'mounted-1', messages: [{ role: 'user', content: 'hello' }] } });
    expect(answer.status).toBe(200);
    expect((answer.json as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('mounted: hello');
  }, 30_000);
});
