/**
 * Plugins wrapping each provider dialect, written the way people outside this project
 * write them (Python http.server/http.client, plain Node http, Go net/http; their own
 * names for config fields). Each conforming one passes `test --strict` with every fault of
 * its dialect mapped to the right plugin error code; each broken variant fails the check
 * its mistake breaks. See test/fixtures/plugins/outsiders/variants.mjs.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/core/conformance/run-conformance.js';
import type { DialectName } from '../../src/core/runtime/dialects/types.js';
import { runCli } from '../helpers/memory-io.js';
import { BROKEN_OUTSIDERS, OUTSIDERS, variantDir } from '../fixtures/plugins/outsiders/variants.mjs';

const ROOT = resolve(import.meta.dirname, '../fixtures/plugins/outsiders');
const env = { PATH: process.env.PATH, HOME: process.env.HOME, GOCACHE: process.env.GOCACHE, GOPATH: process.env.GOPATH, GOFLAGS: '-mod=mod' };

/** The checks through which the mock plays each fault of the dialect. */
const FAULT_CHECKS = [
  'errors.authentication',
  'errors.unknown-model',
  'errors.rate-limit',
  'error-table.rate-limit',
  'errors.unavailable',
  'errors.timeout',
  'errors.malformed-upstream',
  'streaming.upstream-garbage',
  'streaming.upstream-error',
  'streaming.error-before-stream',
  'chat.forwarded',
];

beforeAll(async () => {
  // Standard library only: builds offline, in a few seconds with a warm build cache.
  for (const outsider of OUTSIDERS) {
    if (outsider.build) await promisify(execFile)(outsider.build[0]!, outsider.build.slice(1), { cwd: join(ROOT, outsider.dir), env: { ...process.env, GOFLAGS: '-mod=mod' } });
  }
}, 180_000);

describe.each(OUTSIDERS)('the $dialect plugin $dir', (outsider) => {
  it('passes test --strict, each fault of its dialect mapped to the right code', async () => {
    const dir = join(ROOT, outsider.dir);
    const report = await runConformance({ dir, cwd: dir, env, strict: true, timeoutMs: 5000, upstreamField: outsider.upstreamField });
    const failed = report.results.filter((result) => result.status !== 'pass' && result.status !== 'skip').map((result) => `${result.id}: ${result.message}`);
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.upstream).toMatchObject({ dialect: outsider.dialect, how: 'detected' });
    const judged = Object.fromEntries(report.results.filter((result) => FAULT_CHECKS.includes(result.id)).map((result) => [result.id, result.status]));
    expect(judged).toEqual(Object.fromEntries(FAULT_CHECKS.map((id) => [id, 'pass'])));
  }, 60_000);
});

describe.each(BROKEN_OUTSIDERS)('the broken variant $base with BUG=$bug', (variant) => {
  it(`fails ${variant.breaks.join(', ')}`, async () => {
    const dir = join(ROOT, variantDir(variant));
    const base = OUTSIDERS.find((outsider) => outsider.dir === variant.base)!;
    const report = await runConformance({ dir, cwd: dir, env, strict: true, timeoutMs: 5000, upstreamField: base.upstreamField, only: ['lifecycle.initialize', ...variant.breaks] });
    const status = Object.fromEntries(report.results.map((result) => [result.id, result.status]));
    // Set-up worked (so the failures are the mistake's, not the run's)...
    expect(status['lifecycle.initialize']).toBe('pass');
    for (const id of variant.breaks) expect(status[id], `${id} (${variant.what})`).toBe('fail');
    if (variant.says) {
      const forwarded = report.results.find((result) => result.id === 'chat.forwarded');
      expect([forwarded?.message, ...(forwarded?.details ?? [])].join('\n')).toContain(variant.says);
    }
    expect(report.ok).toBe(false);
  }, 60_000);
});

describe('the upstream dialect in reports and --upstream-dialect', () => {
  const claude = join(ROOT, 'claude-bridge-py');

  it('names the detected dialect in the human report and in JSON', async () => {
    const human = await runCli(['test', claude, '--upstream-field', 'base_url', '--only', 'chat.forwarded'], { cwd: claude, env });
    expect(human.code, human.stdout).toBe(0);
    expect(human.stdout).toContain("Upstream dialect: Anthropic Messages (detected from the plugin's first upstream request)");
    const json = await runCli(['test', claude, '--upstream-field', 'base_url', '--only', 'chat.forwarded', '--reporter', 'json'], { cwd: claude, env });
    const report = JSON.parse(json.stdout);
    expect(report.upstream).toEqual({ dialect: 'anthropic', title: 'Anthropic Messages', how: 'detected' });
    const { renderGithubSummary } = await import('../../src/output/test-reporters/github-reporter.js');
    expect(renderGithubSummary(report)).toContain('Upstream dialect: Anthropic Messages (detected)');
  }, 60_000);

  it('pinned to the wrong dialect, the plugin cannot chat; pinned to its own, it can', async () => {
    const run = (dialect: DialectName) =>
      runConformance({ dir: claude, cwd: claude, env, timeoutMs: 5000, upstreamField: 'base_url', upstreamDialect: dialect, only: ['chat.schema', 'chat.forwarded'] });
    const wrong = await run('openai');
    expect(wrong.upstream).toMatchObject({ dialect: 'openai', how: 'pinned' });
    expect(wrong.results.map((result) => result.status)).toEqual(['fail', 'fail']);
    // It says which path the plugin used and that the pin is what refused it.
    const forwarded = wrong.results.find((result) => result.id === 'chat.forwarded');
    expect(forwarded?.message).toContain('the plugin sent POST /v1/messages, which the pinned OpenAI Chat Completions dialect does not serve');
    expect(forwarded?.details?.join('\n')).toContain('--upstream-dialect');
    const right = await run('anthropic');
    expect(right.results.map((result) => result.status)).toEqual(['pass', 'pass']);
  }, 60_000);

  it('refuses an unknown dialect name, and a dialect without a mock, as usage errors', async () => {
    const result = await runCli(['test', claude, '--upstream-dialect', 'bedrock'], { cwd: claude, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--upstream-dialect/);
    const both = await runCli(['test', claude, '--upstream-dialect', 'anthropic', '--no-mock-upstream'], { cwd: claude, env });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--no-mock-upstream/);
  });
});

describe('a plugin for a provider API the mock does not speak', () => {
  const nimbus = join(ROOT, 'nimbus-own-api-py');

  it('chat.forwarded names the path the plugin called and points to --no-mock-upstream', async () => {
    const report = await runConformance({ dir: nimbus, cwd: nimbus, env, timeoutMs: 5000, upstreamField: 'base_url', only: ['lifecycle.initialize', 'chat.forwarded'] });
    const forwarded = report.results.find((result) => result.id === 'chat.forwarded');
    expect(report.results.find((result) => result.id === 'lifecycle.initialize')?.status).toBe('pass');
    expect(forwarded?.status).toBe('fail');
    expect(forwarded?.message).toContain("the plugin sent POST /api/v3/generate, which none of the mock's dialects");
    expect(forwarded?.details?.join('\n')).toContain('--no-mock-upstream');
  }, 60_000);
});

describe('dev --mock-upstream with a plugin for another dialect', () => {
  it('the mock detects the dialect there too: a Gemini plugin chats offline', async () => {
    const { startTestHost } = await import('../dev/helpers.js');
    const t = await startTestHost({ path: join(ROOT, 'gemini-gateway-node'), watch: false, mockUpstream: true, upstreamField: 'api_root', env });
    try {
      await t.host.ready;
      const res = await t.call('POST', '/v1/chat/completions', { body: { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'in gemini terms' }] } });
      expect(res.status, res.text).toBe(200);
      expect(JSON.stringify(res.json)).toContain('mock reply to: in gemini terms');
    } finally {
      await t.host.close();
    }
  }, 30_000);
});
