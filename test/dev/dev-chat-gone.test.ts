/**
 * A chat routed to a plugin process that has just exited (the request came in before the
 * host handled the exit): a 503 no_plugin_serving that says what happened, as during the
 * restart that follows, not "502 The plugin did not answer: The client is destroyed".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { forward } from '../../src/core/dev/chat-forward.js';
import type { PluginInstance } from '../../src/core/dev/plugin-instance.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The host's door with one instance whose pool is `pool`; answers what forward() sent. */
async function doorTo(pool: Pool): Promise<{ status: number; body: { error: { code: string; message: string } }; logged: string | undefined }> {
  const instance = { acquire: () => undefined, release: () => undefined, chatPool: pool, chatPath: '/chat/completions' } as unknown as PluginInstance;
  let logged: string | undefined;
  server = createServer((_req, res) => forward(res, instance, '{"model":"m","messages":[]}', (text) => text, (_status, _body, _truncated, error) => (logged = error)));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', body: '{}' });
  return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } }, logged };
}

describe('a chat routed to a plugin that just exited', () => {
  it('its pool already torn down: 503 no_plugin_serving, saying the plugin exited', async () => {
    const pool = new Pool('http://127.0.0.1:9');
    await pool.destroy();
    const { status, body, logged } = await doorTo(pool);
    expect(status).toBe(503);
    expect(body.error.code).toBe('no_plugin_serving');
    expect(body.error.message).toContain('The plugin exited before it answered');
    expect(logged).toContain('The plugin exited before it answered');
  });

  it('nothing listening on its port any more: the same', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const pool = new Pool(`http://127.0.0.1:${port}`);
    try {
      const { status, body } = await doorTo(pool);
      expect(status).toBe(503);
      expect(body.error.code).toBe('no_plugin_serving');
    } finally {
      await pool.destroy();
    }
  });
});
