/**
 * lifecycle.config-missing-field sends /initialize without a required field and, when
 * that answers 200, a chat request to see whether LOOM_CONFIG_<NAME> filled the field in.
 * When an earlier check's timeout kept that chat unsent, the hang is one mistake with one
 * verdict: blocked by the check that timed out (or, when that one was only recommended,
 * both requests sent again and judged), never a second failure for a request never sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { fail } from '../../src/core/conformance/check-helpers.js';
import { CHECK_IMPLEMENTATIONS } from '../../src/core/conformance/checks/index.js';
import type { CheckImpl } from '../../src/core/conformance/checks/context.js';
import { runSuite } from '../../src/core/conformance/run-suite.js';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { startMockUpstream, type MockUpstream } from '../../src/core/runtime/mock-upstream.js';
import { readManifest, REFERENCE_DIR } from '../fixtures/plugins/run-fixture.js';

/** Accepts any config (the defect under test) and never answers a chat. */
let server: Server;
let port: number;
let initsWithoutKey = 0;
let mock: MockUpstream;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/chat/completions') return; // hangs
      if (req.url === '/initialize' && !body.includes('api_key')) initsWithoutKey += 1;
      res.setHeader('Content-Type', 'application/json');
      res.end(req.url === '/models' ? '[]' : '{}');
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

/** A check that trips the breaker for POST /chat/completions and fails for it. */
const chatTimesOut: CheckImpl = {
  needs: 'any',
  async run(ctx) {
    const exchange = await ctx.chat({ model: 'm', messages: [] });
    fail('A chat request: no answer.', { exchange });
  },
};

/** `tripper` (standing in for the check with that id) times out on chat, then config-missing-field runs. */
async function afterChatTimeout(tripperId: string) {
  const tripper = { ...CHECKS.find((check) => check.id === tripperId)!, requires: [] };
  const missing = { ...CHECKS.find((check) => check.id === 'lifecycle.config-missing-field')!, requires: [] };
  const impls = CHECK_IMPLEMENTATIONS as Record<string, CheckImpl>;
  const saved = impls[tripperId]!;
  impls[tripperId] = chatTimesOut;
  initsWithoutKey = 0;
  const client = new PluginClient(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
  try {
    return await runSuite({
      manifest: readManifest(REFERENCE_DIR),
      client,
      mock,
      config: { values: { api_key: mock.apiKey, endpoint: mock.url }, sources: {}, secrets: [mock.apiKey], missingRequired: [] },
      upstreamField: 'endpoint',
      checks: [tripper, missing],
      timeoutMs: 300,
      overlap: false,
    });
  } finally {
    impls[tripperId] = saved;
    await client.close();
  }
}

describe('lifecycle.config-missing-field after a chat request timed out', () => {
  it('blocked by the required check that timed out: one verdict, not a second failure', async () => {
    const [tripper, missing] = await afterChatTimeout('chat.schema');
    expect(tripper?.status).toBe('fail');
    expect(missing, JSON.stringify(missing)).toMatchObject({ status: 'blocked', blockedBy: 'chat.schema' });
  });

  it('after a recommended check timed out, sends /initialize and its chat again and judges what they answered', async () => {
    const [, missing] = await afterChatTimeout('lifecycle.reinitialize');
    expect(missing?.status).toBe('fail');
    expect(missing?.message).toMatch(/no answer \(timed out/);
    expect(missing?.message).not.toMatch(/not sent/);
    // The chat of the second try follows its own /initialize, not a cleanup.
    expect(initsWithoutKey).toBe(2);
  });
});
