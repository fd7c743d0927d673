/**
 * The host's client is Go's http.Client, which follows redirects: a plugin routed behind a
 * redirect (Go's ServeMux answers //path with 307, Flask /models with 308 to /models/)
 * loads there, so the suite's client follows them the same way, and reports the way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginClient } from '../../src/core/runtime/http-client.js';

let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const hop = /^\/hop\/(\d+)$/.exec(url);
      if (url.startsWith('//')) return res.writeHead(307, { Location: url.replace(/^\/+/, '/') }).end();
      if (url === '/models') return res.writeHead(308, { Location: `${baseUrl}/models/` }).end('<p>Redirecting...</p>');
      if (url === '/moved') return res.writeHead(301, { Location: '/echo' }).end();
      if (url === '/no-location') return res.writeHead(302).end();
      if (hop) return res.writeHead(302, { Location: `/hop/${Number(hop[1]) + 1}` }).end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url, body: Buffer.concat(chunks).toString(), contentType: req.headers['content-type'] ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('PluginClient follows redirects as the host (Go http.Client) does', () => {
  it('a 307 repeats the POST with its body; a 308 leads a GET on', async () => {
    const client = new PluginClient(baseUrl, { timeoutMs: 2000 });
    try {
      const post = await client.request('POST', '//initialize', { json: { a: 1 } });
      expect(post.status).toBe(200);
      expect(post.json).toEqual({ method: 'POST', url: '/initialize', body: '{"a":1}', contentType: 'application/json' });
      expect(post.redirects).toEqual([{ status: 307, method: 'POST', url: `${baseUrl}/initialize` }]);
      const models = await client.request('GET', '/models');
      expect(models.status).toBe(200);
      expect(models.json).toMatchObject({ method: 'GET', url: '/models/' });
    } finally {
      await client.close();
    }
  });

  it('a 301 turns a POST into a GET without the body or its Content-Type', async () => {
    const client = new PluginClient(baseUrl, { timeoutMs: 2000 });
    try {
      const moved = await client.request('POST', '/moved', { json: { a: 1 } });
      expect(moved.json).toEqual({ method: 'GET', url: '/echo', body: '', contentType: null });
      expect(moved.redirects).toEqual([{ status: 301, method: 'GET', url: `${baseUrl}/echo` }]);
    } finally {
      await client.close();
    }
  });

  it('takes a redirect without Location as the answer, gives up after 10, and follows none when told not to', async () => {
    const client = new PluginClient(baseUrl, { timeoutMs: 2000 });
    try {
      expect((await client.request('GET', '/no-location')).status).toBe(302);
      const loop = await client.request('GET', '/hop/0');
      expect(loop.status).toBeUndefined();
      expect(loop.error?.message).toMatch(/stopped after 10 redirects/);
      expect(loop.redirects).toHaveLength(10);
      const plain = await client.request('GET', '//health', { redirects: false });
      expect(plain.status).toBe(307);
      expect(plain.redirects).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
