/**
 * An error-table check whose provocation got no answer (it timed out) has nothing to judge,
 * but that is no skip: skips never fail a run, and the plugin did hang. It is blocked by the
 * errors.* check that sent the same request and failed for it, or fails when that check did
 * not fail (or was not run).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { runSuite } from '../../src/core/conformance/run-suite.js';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { startMockUpstream, type MockUpstream } from '../../src/core/runtime/mock-upstream.js';
import { readManifest, REFERENCE_DIR } from '../fixtures/plugins/run-fixture.js';

/** Initializes fine and never answers a chat (a plugin that does not time out its upstream call). */
let server: Server;
let port: number;
let mock: MockUpstream;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/chat/completions') return;
      res.setHeader('Content-Type', 'application/json');
      res.end(req.url === '/models' ? '[{"id":"m1","name":"M1","capabilities":{}}]' : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  mock = await startMockUpstream();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await mock.close();
});

async function run(ids: string[]) {
  const checks = ids.map((id) => ({ ...CHECKS.find((check) => check.id === id)!, requires: [] }));
  const client = new PluginClient(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
  try {
    const results = await runSuite({
      manifest: readManifest(REFERENCE_DIR),
      client,
      mock,
      config: { values: { api_key: mock.apiKey, endpoint: mock.url, timeout: 30 }, sources: {}, secrets: [mock.apiKey], missingRequired: [] },
      upstreamField: 'endpoint',
      checks,
      timeoutMs: 300,
      overlap: false,
    });
    return new Map(results.map((result) => [result.id, result]));
  } finally {
    await client.close();
  }
}

describe('an error-table check whose own provocation timed out', () => {
  it('error-table.timeout is blocked by errors.timeout, which failed for the same unanswered request', async () => {
    const results = await run(['errors.timeout', 'error-table.timeout']);
    expect(results.get('errors.timeout')?.status).toBe('fail');
    expect(results.get('error-table.timeout'), JSON.stringify(results.get('error-table.timeout'))).toMatchObject({ status: 'blocked', blockedBy: 'errors.timeout' });
  });

  it('error-table.timeout alone fails (a warning): never a skip', async () => {
    const result = (await run(['error-table.timeout'])).get('error-table.timeout');
    expect(result?.status, JSON.stringify(result)).toBe('fail');
    expect(result?.message).toMatch(/could not be judged.*no answer/);
  });

  it('the same for a provocation the breaker did not keep: error-table.model-not-found after errors.unknown-model timed out', async () => {
    const results = await run(['errors.unknown-model', 'error-table.model-not-found']);
    expect(results.get('error-table.model-not-found'), JSON.stringify(results.get('error-table.model-not-found'))).toMatchObject({ status: 'blocked', blockedBy: 'errors.unknown-model' });
  });
});
