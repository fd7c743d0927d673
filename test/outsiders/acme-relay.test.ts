/**
 * A plugin written the guide's way by someone else: a static model list (ids the mock
 * never heard of) and the requested model forwarded upstream, in Python's standard
 * library. It must pass `test --strict`: the mock serves any model id but the reserved
 * unknown one, and the chat checks use a model from the plugin's own /models.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/core/conformance/run-conformance.js';

const DIR = resolve(import.meta.dirname, '../fixtures/plugins/outsiders/acme-relay-py');

describe('a guide-style plugin with a static model list', () => {
  it('passes test --strict, its own model forwarded upstream', async () => {
    const report = await runConformance({ dir: DIR, cwd: DIR, env: { PATH: process.env.PATH }, timeoutMs: 5000, strict: true });
    const failed = report.results.filter((result) => result.status === 'fail').map((result) => `${result.id}: ${result.message}`);
    expect(failed).toEqual([]);
    expect(report.results.find((result) => result.id === 'chat.forwarded')?.status).toBe('pass');
    expect(report.results.find((result) => result.id === 'errors.unknown-model')?.status).toBe('pass');
    expect(report.ok).toBe(true);
  }, 60_000);
});

describe('dev --mock-upstream with a static model list', () => {
  it('serves a chat for one of the plugin\'s own models', async () => {
    const { startTestHost } = await import('../dev/helpers.js');
    const t = await startTestHost({ path: DIR, watch: false, mockUpstream: true, env: { PATH: process.env.PATH } });
    try {
      await t.host.ready;
      const res = await t.call('POST', '/v1/chat/completions', { body: { model: 'acme-chat-2', messages: [{ role: 'user', content: 'static list' }] } });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json)).toContain('mock reply to: static list');
    } finally {
      await t.host.close();
    }
  }, 30_000);
});

describe('test --no-mock-upstream, for an upstream none of the dialects fit', () => {
  it('leaves the plugin on the upstream its config names and skips the checks that script the mock', async () => {
    const { startMockUpstream } = await import('../../src/core/runtime/mock-upstream.js');
    // Stands in for a mock of the user's own (any server the plugin can talk to).
    const own = await startMockUpstream({ requireAuth: false });
    try {
      const report = await runConformance({ dir: DIR, cwd: DIR, env: { PATH: process.env.PATH, LOOM_CONFIG_ENDPOINT: own.url }, timeoutMs: 5000, mockUpstream: false });
      expect(report.results.filter((result) => result.status === 'fail').map((result) => result.id)).toEqual([]);
      const skipped = report.results.filter((result) => result.status === 'skip' && result.message === 'there is no mock upstream in this run').map((result) => result.id);
      expect(skipped).toEqual(expect.arrayContaining(['chat.forwarded', 'errors.authentication', 'errors.rate-limit', 'errors.timeout']));
      expect(report.results.find((result) => result.id === 'chat.schema')?.status).toBe('pass');
      expect(own.received.some((request) => request.kind === 'chat')).toBe(true);
      expect(report.upstream).toBeUndefined();
    } finally {
      await own.close();
    }
  }, 60_000);
});
