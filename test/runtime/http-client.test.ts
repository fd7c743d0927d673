import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { findFreePort, startPlugin, type RunningPlugin } from '../../src/core/runtime/plugin-process.js';
import { hostile } from './runtime-helpers.js';

let plugin: RunningPlugin;
let server: http.Server;
let serverUrl: string;

beforeAll(async () => {
  plugin = await startPlugin({ ...hostile('hang-endpoint'), port: await findFreePort(), startupTimeoutMs: 5000 });
  // A tiny in-process server for exact wire shapes (SSE, resets, non-JSON).
  server = http.createServer((req, res) => {
    if (req.url === '/sse') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      setTimeout(() => {
        res.write(': comment\ndata: {"n":\ndata: 2}\n\n');
        setTimeout(() => res.end('data: [DONE]\n\n'), 150);
      }, 150);
      return;
    }
    if (req.url === '/sse-open') {
      // An Express habit: res.write('data: [DONE]\n\n') and no res.end().
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      res.write('data: [DONE]\n\n');
      return;
    }
    if (req.url === '/reset') return req.socket.destroy();
    if (req.url === '/text') {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      return res.end('<h1>oops</h1>');
    }
    if (req.url === '/slow-body') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.write('{"partial":');
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, headers: req.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await plugin?.stop({ cleanup: false, graceMs: 200 });
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

describe('PluginClient', () => {
  it('sends the host headers on every request, GETs too, and parses JSON', async () => {
    const client = new PluginClient(serverUrl, { timeoutMs: 2000 });
    const exchange = await client.request('GET', '/anything');
    expect(exchange.status).toBe(200);
    const echoed = exchange.json as { headers: Record<string, string> };
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(echoed.headers.accept).toBe('application/json');
    expect(exchange.error).toBeUndefined();
    expect(exchange.headers['content-type']).toBe('application/json');
    await client.close();
  });

  it('keeps a non-JSON body as text with jsonError', async () => {
    const client = new PluginClient(serverUrl, { timeoutMs: 2000 });
    const exchange = await client.request('GET', '/text');
    expect(exchange.status).toBe(500);
    expect(exchange.bodyText).toBe('<h1>oops</h1>');
    expect(exchange.json).toBeUndefined();
    expect(exchange.jsonError).toBeTruthy();
    await client.close();
  });

  it('times out a hanging endpoint once, then skips it (circuit breaker) without waiting', async () => {
    const client = new PluginClient(plugin.baseUrl, { timeoutMs: 400 });
    const t0 = Date.now();
    const first = await client.request('GET', '/models');
    expect(first.error?.kind).toBe('timeout');
    expect(first.status).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(Date.now() - t0).toBeLessThan(2000);
    const t1 = Date.now();
    const second = await client.request('GET', '/models');
    expect(second.error?.kind).toBe('skipped');
    expect(second.error?.message).toContain('timed out earlier');
    expect(Date.now() - t1).toBeLessThan(50);
    // Other endpoints are unaffected.
    const health = await client.request('GET', '/health');
    expect(health.status).toBe(200);
    client.resetBreaker();
    expect((await client.request('GET', '/models', { timeoutMs: 100 })).error?.kind).toBe('timeout');
    await client.close();
  });

  it('times out a body that never completes, keeping what arrived', async () => {
    const client = new PluginClient(serverUrl, { timeoutMs: 400 });
    const exchange = await client.request('GET', '/slow-body');
    expect(exchange.status).toBe(200);
    expect(exchange.error?.kind).toBe('timeout');
    expect(exchange.bodyText).toBe('{"partial":');
    await client.close();
  });

  it('cuts a 100 MB response at maxBytes quickly', async () => {
    const flood = await startPlugin({ ...hostile('flood'), port: await findFreePort(), startupTimeoutMs: 5000 });
    const client = new PluginClient(flood.baseUrl, { timeoutMs: 5000, maxBytes: 256 * 1024 });
    const t0 = Date.now();
    const exchange = await client.request('GET', '/models');
    await flood.stop({ cleanup: false, graceMs: 200 });
    expect(exchange.truncated).toBe(true);
    expect(exchange.error?.kind).toBe('too-large');
    expect(exchange.bodyText.length).toBe(256 * 1024);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(exchange.jsonError).toBeTruthy();
    await client.close();
  });

  it('reports refused connections and resets as data, never throwing', async () => {
    const port = await findFreePort();
    const refused = new PluginClient(`http://127.0.0.1:${port}`, { timeoutMs: 1000 });
    expect((await refused.request('GET', '/health')).error?.kind).toBe('connect');
    await refused.close();
    const client = new PluginClient(serverUrl, { timeoutMs: 1000 });
    const reset = await client.request('POST', '/reset', { json: {} });
    expect(reset.error?.kind).toBe('reset');
    await client.close();
  });

  it('streams SSE data events with first and last byte timings', async () => {
    const client = new PluginClient(serverUrl, { timeoutMs: 2000 });
    const exchange = await client.stream('/sse', { stream: true });
    expect(exchange.status).toBe(200);
    expect(exchange.events).toEqual(['{"n":1}', '{"n":\n2}', '[DONE]']);
    expect(exchange.firstByteMs).toBeDefined();
    expect((exchange.lastByteMs ?? 0) - (exchange.firstByteMs ?? 0)).toBeGreaterThan(200);
    await client.close();
  });

  it('stops reading a stream shortly after data: [DONE], as clients do, when the plugin never ends it', async () => {
    const client = new PluginClient(serverUrl, { timeoutMs: 5000 });
    const exchange = await client.stream('/sse-open', { stream: true });
    expect(exchange.events).toEqual(['{"n":1}', '[DONE]']);
    expect(exchange.error).toBeUndefined();
    expect(exchange.openAfterDone).toBe(true);
    expect(exchange.durationMs).toBeLessThan(2000);
    await client.close();
  });

  it('builds a curl line with secrets masked', async () => {
    const client = new PluginClient(serverUrl, { timeoutMs: 2000 });
    const exchange = await client.request('POST', '/initialize', { json: { api_key: "sk-it's-secret", n: 1 } });
    const line = client.curl(exchange, ["sk-it's-secret"]);
    expect(line).toContain(`-X POST '${serverUrl}/initialize'`);
    expect(line).toContain(`-H 'Content-Type: application/json'`);
    expect(line).toContain('"api_key":"***"');
    expect(line).not.toContain('secret');
    await client.close();
  });
});
