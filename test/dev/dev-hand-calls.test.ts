/**
 * The playground's API for driving a plugin, without a browser: hand calls (validation,
 * the /initialize body with sensitive fields kept) and conformance runs (streamed as they
 * happen, one at a time per plugin, on a second instance that is stopped when the page
 * goes away).
 */
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestHost, waitUntil, type TestHost } from './helpers.js';

const SECRET = 'sk-hand"call\\4411';

let t: TestHost;

beforeAll(async () => {
  t = await startTestHost({ path: `${FIXTURES}parrot-py`, watch: false, env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: SECRET } });
  await t.host.ready;
}, 60_000);

afterAll(async () => {
  await t?.host.close();
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts a conformance run and reads its NDJSON lines with their arrival times. */
async function startRun(signal?: AbortSignal): Promise<{ status: number; lines: AsyncGenerator<{ at: number; event: Record<string, unknown> }> }> {
  const started = performance.now();
  const response = await fetch(`${t.host.url}/api/plugins/parrot/conformance`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.host.token}`, 'content-type': 'application/json' },
    body: '{}',
    signal,
  });
  async function* lines(): AsyncGenerator<{ at: number; event: Record<string, unknown> }> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part) yield { at: performance.now() - started, event: JSON.parse(part) as Record<string, unknown> };
    }
  }
  return { status: response.status, lines: lines() };
}

describe('hand calls', () => {
  it('refuses an unknown endpoint and a body that is not JSON', async () => {
    const unknown = await t.call('POST', '/api/plugins/parrot/call', { body: { endpoint: 'shutdown' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'endpoint must be one of health, metadata, models, initialize, cleanup, chat.' });
    const broken = await t.call('POST', '/api/plugins/parrot/call', { body: '{"endpoint":' });
    expect(broken.status).toBe(400);
  });

  it('fills a blank sensitive field with the resolved value and masks it everywhere it is shown', async () => {
    const res = await t.call('POST', '/api/plugins/parrot/call', { body: { endpoint: 'initialize', body: { api_key: '', voice: 'whistle' } } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ endpoint: 'initialize', method: 'POST', path: '/initialize', status: 200, body: '{}' });
    expect(JSON.parse((res.json as { requestBody: string }).requestBody)).toEqual({ api_key: '***', voice: 'whistle' });
    const leak = await t.call('POST', '/api/plugins/parrot/call', { body: { endpoint: 'chat', body: { model: 'parrot-small', messages: [{ role: 'user', content: 'leak' }] } } });
    expect(JSON.parse((leak.json as { body: string }).body)).toMatchObject({ code: 'internal_error', message: 'upstream refused key ***' });
    expect(leak.text).not.toContain('call\\\\4411');
    expect(leak.text).not.toContain('call\\4411');
  });

  it('sends a value typed for a sensitive field instead of the resolved one', async () => {
    await t.call('POST', '/api/plugins/parrot/call', { body: { endpoint: 'initialize', body: { api_key: 'typed-by-hand-9' } } });
    const leak = await t.call('POST', '/api/plugins/parrot/call', { body: { endpoint: 'chat', body: { model: 'parrot-small', messages: [{ role: 'user', content: 'leak' }] } } });
    // The host masks a typed key from then on, as it masks resolved ones...
    expect(JSON.parse((leak.json as { body: string }).body)).toMatchObject({ message: 'upstream refused key ***' });
    expect(leak.text).not.toContain('typed-by-hand-9');
    // ...and the plugin itself, asked directly, shows it got the typed key, not the resolved one.
    const direct = await fetch(`http://127.0.0.1:${t.host.state()[0]!.port}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'parrot-small', messages: [{ role: 'user', content: 'leak' }] }),
    });
    expect(await direct.json()).toMatchObject({ message: 'upstream refused key typed-by-hand-9' });
    await t.call('POST', '/api/plugins/parrot/call', { body: { endpoint: 'initialize', body: {} } });
  });
});

describe('conformance from the API', () => {
  it('streams each result as it comes from a second instance, then a summary', async () => {
    const before = t.host.state()[0]!;
    const run = await startRun();
    expect(run.status).toBe(200);
    const seen: Array<{ at: number; event: Record<string, unknown> }> = [];
    for await (const line of run.lines) seen.push(line);
    const types = seen.map((line) => line.event.type);
    expect(types[0]).toBe('started');
    expect(types[1]).toBe('plan');
    expect(types[types.length - 1]).toBe('done');
    const results = seen.filter((line) => line.event.type === 'result');
    const plan = seen[1]!.event as { checks: number; endpoint: string };
    expect(results.length).toBe(plan.checks);
    // A second instance: another port than the serving one.
    expect(plan.endpoint).not.toContain(`:${before.port}`);
    // Streamed, not collected: the first result arrived well before the summary.
    expect(seen[seen.length - 1]!.at - results[0]!.at).toBeGreaterThan(200);
    const done = seen[seen.length - 1]!.event as { summary: { passed: number; failed: number; skipped: number } };
    expect(done.summary.passed + done.summary.failed + done.summary.skipped).toBe(results.length);
    expect(JSON.stringify(seen)).not.toContain('call\\\\4411');
    expect(t.host.state()[0]!.pid).toBe(before.pid);
  }, 60_000);

  it('runs one at a time per plugin and stops the second instance when the client goes away', async () => {
    const controller = new AbortController();
    const run = await startRun(controller.signal);
    let port = 0;
    for await (const { event } of run.lines) {
      if (event.type === 'plan') port = Number(new URL(event.endpoint as string).port);
      if (event.type === 'result') break;
    }
    expect(await listening(port)).toBe(true);
    const second = await t.call('POST', '/api/plugins/parrot/conformance', { body: {} });
    expect(second.status).toBe(409);
    controller.abort();
    await waitUntil(async () => !(await listening(port)), 10_000);
    // The slot is free again once the aborted run has cleaned up.
    await waitUntil(async () => (await fetch(`${t.host.url}/api/plugins/parrot/conformance`, { method: 'POST', headers: { authorization: `Bearer ${t.host.token}` }, body: '{}' }).then((r) => r.body?.cancel().then(() => r.status))) === 200, 10_000, 200);
  }, 60_000);
});
