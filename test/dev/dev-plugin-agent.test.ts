/**
 * The agent the dev host uses to reach a plugin: a reused keep-alive socket must not keep
 * the short idle timeout Node derives from the plugin's `Keep-Alive: timeout=N` header,
 * or a plugin that thinks longer than N - 1 s is cut; a plugin that really goes silent is
 * still cut at the silence limit.
 */
import { createServer, request, type Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPluginAgent } from '../../src/core/dev/plugin-agent.js';

let server: Server | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  agent?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

/** A plugin stand-in: answers after the delay its query asks for; Keep-Alive: timeout=2. */
async function delayedServer(): Promise<number> {
  server = createServer((req, res) => {
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(() => res.end('ok'), delay);
  });
  server.keepAliveTimeout = 2000; // Node sends "Keep-Alive: timeout=2": an idle timeout of 1 s on the client
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(port: number, delay: number): Promise<{ outcome: 'answered' | 'timeout'; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/?delay=${delay}`, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ outcome: 'answered', reused: req.reusedSocket }));
    });
    // As the /v1 door does: the agent's socket timeout means the plugin went silent.
    req.on('timeout', () => {
      resolve({ outcome: 'timeout', reused: req.reusedSocket });
      req.destroy();
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

describe('plugin agent', () => {
  it('gives a reused socket the silence limit back, so a slow answer is not cut at the idle timeout', async () => {
    const port = await delayedServer();
    agent = createPluginAgent(2500);
    expect(await get(port, 0)).toEqual({ outcome: 'answered', reused: false });
    // Plain node:http Agent({ keepAlive: true, timeout }) cuts this one after 1 s.
    expect(await get(port, 1500)).toEqual({ outcome: 'answered', reused: true });
  });

  it('still cuts a plugin that stays silent past the limit', async () => {
    const port = await delayedServer();
    agent = createPluginAgent(1200);
    await get(port, 0);
    const started = performance.now();
    expect(await get(port, 5000)).toEqual({ outcome: 'timeout', reused: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1100);
  });
});
