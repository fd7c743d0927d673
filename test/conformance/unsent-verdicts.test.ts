/**
 * What a check kept unsent by the breaker turns into: blocked by the check whose timeout
 * tripped it, but only when the check failed for the missing answer. A check that crashed
 * (a loom-plugin bug) says so, even when its last request was not sent.
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
import { readManifest, REFERENCE_DIR } from '../fixtures/plugins/run-fixture.js';

/** Answers nothing on /hang, 200 elsewhere. */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/hang') res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function runTwo(first: CheckImpl, second: CheckImpl) {
  const [a, b] = ['metadata.schema', 'health.healthy'].map((id) => ({ ...CHECKS.find((check) => check.id === id)!, requires: [] }));
  const impls = CHECK_IMPLEMENTATIONS as Record<string, CheckImpl>;
  const saved = [impls[a!.id]!, impls[b!.id]!];
  impls[a!.id] = first;
  impls[b!.id] = second;
  const client = new PluginClient(`http://127.0.0.1:${port}`, { timeoutMs: 300 });
  try {
    return await runSuite({
      manifest: readManifest(REFERENCE_DIR),
      client,
      mock: undefined,
      config: { values: {}, sources: {}, secrets: [], missingRequired: [] },
      upstreamField: 'endpoint',
      checks: [a!, b!],
      timeoutMs: 300,
      overlap: false,
    });
  } finally {
    impls[a!.id] = saved[0]!;
    impls[b!.id] = saved[1]!;
    await client.close();
  }
}

const timesOut: CheckImpl = {
  needs: 'any',
  async run(ctx) {
    const exchange = await ctx.request('GET', '/hang');
    fail('GET /hang: no answer.', { exchange });
  },
};

describe('a check whose last request the breaker kept unsent', () => {
  it('that fails for the missing answer is blocked by the check that timed out', async () => {
    const [first, second] = await runTwo(timesOut, {
      needs: 'any',
      async run(ctx) {
        await ctx.request('GET', '/hang');
        fail('GET /hang: no answer.');
      },
    });
    expect(first?.status).toBe('fail');
    expect(second).toMatchObject({ status: 'blocked', blockedBy: first?.id });
  });

  it('that crashes (a bug of the check) fails with the crash, not blocked', async () => {
    const [first, second] = await runTwo(timesOut, {
      needs: 'any',
      async run(ctx) {
        await ctx.request('GET', '/hang');
        throw new TypeError('boom');
      },
    });
    expect(first?.status).toBe('fail');
    expect(second?.status, JSON.stringify(second)).toBe('fail');
    expect(second?.message).toMatch(/unexpected error: boom/);
  });
});
