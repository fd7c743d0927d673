/**
 * Plugins that serve one request at a time, judged as the host (Go net/http, 30 s per
 * call) judges them, however loaded the machine. acme-py-serial-paced answers each chat
 * after 250 ms, one after the other: 16 chats at once take 4 s, longer than the 2 s each
 * request gets here, as a loaded machine stretches a serial plugin's answers past the
 * suite's limit. Each answer restarts the clock of the ones still waiting, so it passes,
 * as it does with the host.
 *
 * acme-py-serial-keepalive keeps HTTP/1.1 connections open and stays with one until it
 * closes: the host reuses its idle connection for the next call and is answered at once,
 * and only 16 calls at once wait in vain.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/core/conformance/run-conformance.js';
import { PLUGINS_DIR } from '../fixtures/plugins/run-fixture.js';

describe('a plugin that serves one request at a time', () => {
  it('answers 16 concurrent chats one after the other, longer than one timeout in all: chat.concurrent passes', async () => {
    const dir = join(PLUGINS_DIR, 'strangers', 'acme-py-serial-paced');
    const started = performance.now();
    const report = await runConformance({ dir, cwd: dir, env: { PATH: process.env.PATH }, upstreamField: 'base_url', timeoutMs: 2000, only: ['chat.concurrent'] });
    const result = report.results.find((r) => r.id === 'chat.concurrent');
    expect(result?.message).toBeUndefined();
    expect(result?.status).toBe('pass');
    expect(result?.durationMs).toBeGreaterThan(3500);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('keeps its connection open: calls one after the other are answered at once, only chat.concurrent fails', async () => {
    const dir = join(PLUGINS_DIR, 'strangers', 'acme-py-serial-keepalive');
    const only = ['chat.schema', 'chat.concurrent', 'errors.invalid-json', 'errors.missing-messages'];
    const report = await runConformance({ dir, cwd: dir, env: { PATH: process.env.PATH }, upstreamField: 'base_url', timeoutMs: 2000, only });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(only.map((id) => byId.get(id)?.status)).toEqual(['pass', 'fail', 'pass', 'pass']);
    // Not held up by a second connection the plugin does not read (a keep-alive timeout).
    for (const id of ['chat.schema', 'errors.invalid-json', 'errors.missing-messages']) expect(byId.get(id)?.durationMs, id).toBeLessThan(1500);
  }, 60_000);
});
