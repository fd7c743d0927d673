/**
 * The dev host end to end with a real fixture plugin: the OpenAI-compatible door (JSON
 * and streaming), the management API, the guards (token, Host, Origin, loopback bind)
 * and secret masking everywhere data leaves the host.
 */
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, SECRET, isAlive, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;

beforeAll(async () => {
  t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, healthIntervalMs: 200 });
  await t.host.ready;
}, 30_000);

afterAll(async () => {
  await t?.host.close();
});

/** A raw request with full control over Host and Origin (fetch forbids setting Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(t.host.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('OpenAI-compatible door', () => {
  it('lists every plugin model in the OpenAI list shape', async () => {
    const res = await t.call('GET', '/v1/models');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      object: 'list',
      data: [
        { id: 'echo-dev-1', object: 'model', created: expect.any(Number), owned_by: 'echo-dev' },
        { id: 'echo-dev-2', object: 'model', created: expect.any(Number), owned_by: 'echo-dev' },
        { id: 'mock-small', object: 'model', created: expect.any(Number), owned_by: 'echo-dev' },
      ],
    });
  });

  it('routes a JSON chat completion to the plugin and returns its answer', async () => {
    const res = await t.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-2', messages: [{ role: 'user', content: 'hello host' }] } });
    expect(res.status).toBe(200);
    const json = res.json as { model: string; choices: Array<{ message: { content: string } }> };
    expect(json.model).toBe('echo-dev-2');
    expect(json.choices[0]?.message.content).toBe('echo(v1): hello host');
  });

  it('passes a stream through as server-sent events as they arrive', async () => {
    const started = performance.now();
    const response = await fetch(`${t.host.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo-dev-1', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const arrivals: number[] = [];
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(performance.now() - started);
      text += new TextDecoder().decode(value);
    }
    const events = text.split('\n\n').filter(Boolean).map((block) => block.replace(/^data: /, ''));
    expect(events[events.length - 1]).toBe('[DONE]');
    const content = events.slice(0, -1).map((e) => (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('');
    expect(content).toBe('echo(v1): one two three four five');
    // The fixture waits 40 ms between chunks: passed through as they come, the first
    // chunk arrives well before the last (a buffering proxy would deliver them together).
    expect(arrivals.length).toBeGreaterThan(2);
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThan(100);
  });

  it("answers a plugin's Loom error as an OpenAI error object", async () => {
    const res = await t.call('POST', '/v1/chat/completions', { body: '{"model": "echo-dev-1", "messages": "nope"}' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { message: 'messages must be an array', type: 'invalid_request_error', param: null, code: 'invalid_request' } });
    expect(res.headers.get('x-should-retry')).toBe('false');
  });

  it('answers 404 model_not_found for a model no plugin has... unless one plugin can decide', async () => {
    // With a single plugin the request is the plugin's to answer (its own 404).
    const res = await t.call('POST', '/v1/chat/completions', { body: { model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { message: 'unknown model gpt-nope', type: 'invalid_request_error', param: null, code: 'model_not_found' } });
  });

  it('passes answers through byte for byte, small (held, one write) and large (streamed), and cuts only the log', async () => {
    // Multi-byte characters: the held path sends latin1-mapped bytes and must not re-encode them.
    for (const content of ['héllo wörld ✓ 🙂', `${'ünïcödé '.repeat(40_000)}end`]) {
      const response = await fetch(`${t.host.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.host.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo-dev-1', messages: [{ role: 'user', content }] }),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(response.status).toBe(200);
      // A held answer carries its exact length; a streamed one goes chunked.
      if (bytes.length < 256 * 1024) expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
      else expect(response.headers.get('content-length')).toBeNull();
      const json = JSON.parse(bytes.toString('utf8')) as { choices: Array<{ message: { content: string } }> };
      expect(json.choices[0]?.message.content).toBe(`echo(v1): ${content}`);
    }
    const res = await t.call('GET', '/api/requests');
    const requests = (res.json as { requests: Array<{ responseBody: string; requestBody: string; truncated: boolean }> }).requests;
    const [small, large] = requests.slice(-2);
    expect(small?.truncated).toBe(false);
    expect(small?.responseBody).toContain('héllo wörld ✓ 🙂');
    expect(large?.truncated).toBe(true);
    // The log keeps the first 64 KiB of the answer (and of the request), not the whole.
    expect(Buffer.byteLength(large?.responseBody ?? '')).toBeLessThanOrEqual(64 * 1024 + 3);
    expect(Buffer.byteLength(large?.responseBody ?? '')).toBeGreaterThan(60 * 1024);
    expect(large?.requestBody.length).toBe(64 * 1024);
  });

  it('records requests with a curl line and no secret', async () => {
    await t.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [{ role: 'user', content: `my key is ${SECRET}` }] } });
    const res = await t.call('GET', '/api/requests');
    const requests = (res.json as { requests: Array<{ requestBody: string; responseBody: string; curl: string; status: number }> }).requests;
    const last = requests[requests.length - 1]!;
    expect(last.status).toBe(200);
    expect(last.requestBody).toContain('my key is ***');
    expect(last.responseBody).toContain('my key is ***');
    expect(last.curl).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions' -H "Authorization: Bearer \$LOOM_DEV_TOKEN"/);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain(t.host.token);
  });
});

describe('management API', () => {
  it('lists plugins with state, metadata, capabilities and health history', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const res = await t.call('GET', '/api/plugins');
    const plugin = (res.json as { plugins: Array<Record<string, unknown>> }).plugins[0]!;
    expect(plugin.key).toBe('echo-dev');
    expect(plugin.state).toBe('healthy');
    expect((plugin.metadata as { provider_type: string }).provider_type).toBe('echo-dev');
    expect(plugin.capabilities).toMatchObject({ streaming: true });
    expect((plugin.health as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(plugin.configSources).toEqual({ api_key: 'env', endpoint: 'default' });
  });

  it('reloads a plugin on POST and serves from a new process', async () => {
    const before = t.host.state()[0]!;
    const res = await t.call('POST', '/api/plugins/echo-dev/reload');
    expect(res.status).toBe(200);
    const body = res.json as { attempt: { ok: boolean; reason: string }; plugin: { pid: number; generation: number } };
    expect(body.attempt).toMatchObject({ ok: true, reason: 'api' });
    expect(body.plugin.pid).not.toBe(before.pid);
    expect(body.plugin.generation).toBe(before.generation + 1);
    const chat = await t.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [{ role: 'user', content: 'after' }] } });
    expect(chat.status).toBe(200);
    // The old process is retired after its requests finished.
    await expect.poll(() => isAlive(before.pid!), { timeout: 8000 }).toBe(false);
  });

  it('answers 404 for an unknown plugin and streams events over SSE with the token', async () => {
    expect((await t.call('POST', '/api/plugins/nope/reload')).status).toBe(404);
    // A malformed escape in the key (once a 500 "Dev host error: URI malformed").
    for (const path of ['/api/plugins/%E0%A4%A', '/api/plugins/%E0%A4%A/call', '/api/plugins/%/logs']) {
      const bad = await t.call(path.endsWith('call') ? 'POST' : 'GET', path);
      expect(bad.status, path).toBe(404);
    }
    const controller = new AbortController();
    const response = await fetch(`${t.host.url}/api/events`, { headers: { authorization: `Bearer ${t.host.token}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('"type":"state"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('"key":"echo-dev"');
    expect(text).not.toContain(SECRET);
  });
});

describe('guards', () => {
  it('requires the token on /v1 and /api (401), but serves the page without it', async () => {
    for (const path of ['/v1/models', '/api/plugins', '/api/events', '/api/requests']) {
      expect((await t.call('GET', path, { token: null })).status, path).toBe(401);
      expect((await t.call('GET', path, { token: 'wrong-token' })).status, path).toBe(401);
    }
    expect((await t.call('POST', '/v1/chat/completions', { token: null, body: { model: 'echo-dev-1', messages: [] } })).status).toBe(401);
    expect((await t.call('POST', '/api/plugins/echo-dev/reload', { token: null })).status).toBe(401);
    const page = await t.call('GET', '/', { token: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Loom dev host</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).not.toContain(t.host.token);
  });

  it('refuses a foreign Host header (DNS rebinding) with 403, even with the token', async () => {
    const port = new URL(t.host.url).port;
    const auth = { authorization: `Bearer ${t.host.token}` };
    expect((await rawGet('/v1/models', { ...auth, host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawGet('/', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawGet('/v1/models', { ...auth, host: `127.0.0.1.evil.example:${port}` })).status).toBe(403);
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      expect((await rawGet('/v1/models', { ...auth, host: `${name}:${port}` })).status, name).toBe(200);
    }
  });

  it('refuses a foreign Origin (CSRF) with 403 and accepts its own', async () => {
    const port = new URL(t.host.url).port;
    const host = `127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${t.host.token}`, host };
    expect((await rawGet('/v1/models', { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawGet('/v1/models', { ...auth, origin: 'null' })).status).toBe(403);
    // Its own Host over https (a TLS proxy or tunnel in front) is its own origin; another port is not.
    expect((await rawGet('/v1/models', { ...auth, origin: `https://${host}` })).status).toBe(200);
    expect((await rawGet('/v1/models', { ...auth, origin: `https://127.0.0.1:${Number(port) + 1}` })).status).toBe(403);
    expect((await rawGet('/v1/models', { ...auth, origin: `ftp://${host}` })).status).toBe(403);
    expect((await rawGet('/v1/models', { ...auth, origin: `http://${host}` })).status).toBe(200);
    expect((await rawGet('/v1/models', { ...auth, origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it('binds the loopback address only by default', async () => {
    expect(t.host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no other address on this machine: nothing else to try
    const port = Number(new URL(t.host.url).port);
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: external.address, port, path: '/', timeout: 2000 }, () => resolve('answered'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.on('timeout', () => {
        req.destroy();
        resolve('timeout');
      });
      req.end();
    });
    expect(outcome).not.toBe('answered');
  });
});

describe('secrets', () => {
  it('never shows a sensitive config value in state, events, logs or the API', async () => {
    const everything = [
      JSON.stringify(t.host.state()),
      JSON.stringify(t.host.requests()),
      JSON.stringify(t.events),
      (await t.call('GET', '/api/plugins')).text,
      (await t.call('GET', '/api/plugins/echo-dev/logs')).text,
      (await t.call('GET', '/api/info')).text,
    ].join('\n');
    // The fixture prints its key on purpose; it must arrive masked.
    expect(everything).toContain('initialized with key *** (v1)');
    expect(everything).not.toContain(SECRET);
  });
});
