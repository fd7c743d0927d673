/**
 * The dev host loads and calls a plugin as the shipped host's client would: redirects are
 * followed as Go's client follows them, and POST /cleanup carries no body. A plugin with
 * Flask habits (GET /models answered with a 308 to /models/, every POST body parsed)
 * loads in the host, so it loads here; its /cleanup refuses the host's empty body, and the
 * playground's hand call shows that refusal instead of hiding it behind a {}.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.host.close();
  t = undefined;
});

describe('a plugin behind a 308 redirect that refuses an empty POST body', () => {
  it('is loaded, lists its models through /v1, and refuses the hand call to /cleanup as it refuses the host', async () => {
    t = await startTestHost({ path: `${FIXTURES}slashed-py`, watch: false });
    await t.host.ready;
    expect(t.host.state()[0]!.state).toBe('healthy');
    const models = await t.call('GET', '/v1/models');
    expect((models.json as { data: Array<{ id: string }> }).data.map((model) => model.id)).toEqual(['slashed-1']);
    const cleanup = await t.call('POST', '/api/plugins/slashed-py/call', { body: { endpoint: 'cleanup' } });
    expect(cleanup.json).toMatchObject({ endpoint: 'cleanup', status: 400 });
    expect(JSON.parse((cleanup.json as { body: string }).body)).toMatchObject({ code: 'invalid_request', message: 'body is not JSON' });
    expect((cleanup.json as { requestBody?: string }).requestBody).toBeUndefined();
  }, 30_000);
});
