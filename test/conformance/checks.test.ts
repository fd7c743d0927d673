import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InterruptedError, LoomPluginError } from '../../src/core/errors.js';
import { CHECKS, globMatches, selectChecks } from '../../src/core/conformance/catalogue.js';
import { CHECK_IMPLEMENTATIONS } from '../../src/core/conformance/checks/index.js';
import { runSuite } from '../../src/core/conformance/run-suite.js';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { findFreePort } from '../../src/core/runtime/plugin-process.js';
import { PLUGINS_DIR, readManifest, REFERENCE_DIR, runFixture } from '../fixtures/plugins/run-fixture.js';

const ids = (checks: readonly { id: string }[]) => checks.map((check) => check.id);

describe('the catalogue', () => {
  it('has unique, well-formed ids with every field filled in', () => {
    expect(new Set(ids(CHECKS)).size).toBe(CHECKS.length);
    for (const check of CHECKS) {
      // The host's manifest rules carry validate's rule ids (`auto-start/disabled`).
      if (check.hostRule && check.endpoint === 'manifest') expect(check.id).toMatch(/^[a-z]+(-[a-z]+)*\/[a-z]+(-[a-z]+)*$/);
      else if (check.hostRule) expect(check.id).toMatch(/^[a-z]+(-[a-z]+)*[./][a-z]+(-[a-z]+)*$/);
      else expect(check.id).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
      for (const id of check.requires ?? []) expect(ids(CHECKS).indexOf(id), `${check.id} requires ${id}, which must run before it`).toBeLessThan(ids(CHECKS).indexOf(check.id));
      expect(check.title.length).toBeGreaterThan(10);
      expect(check.endpoint).toMatch(/^(\*|manifest$|(GET|POST) \/)/);
      expect(['required', 'recommended']).toContain(check.level);
      expect(check.contract).not.toBe('');
    }
  });

  it('has an implementation for every check and none without a check', () => {
    expect(Object.keys(CHECK_IMPLEMENTATIONS).sort()).toEqual(ids(CHECKS).sort());
  });

  it('runs the lifecycle check before /initialize first, and the timeout check after the other chat checks', () => {
    // Only the manifest rules and the URL probe (no /initialize either) come before it.
    const first = CHECKS.findIndex((c) => !c.hostRule);
    expect(CHECKS[first]?.id).toBe('lifecycle.before-initialize');
    expect(CHECKS.slice(0, first).map((c) => c.id)).toEqual(['manifest/yaml-only', 'auto-start/disabled', 'file/bom', 'env/unquoted-value', 'endpoint/trailing-slash']);
    const order = ids(CHECKS);
    expect(order.indexOf('errors.timeout')).toBeGreaterThan(order.indexOf('capabilities.vision'));
    expect(order.indexOf('error-table.timeout')).toBeGreaterThan(order.indexOf('errors.timeout'));
  });

  it('marks capability checks with the capability they need', () => {
    expect(CHECKS.filter((c) => c.id.startsWith('streaming.')).every((c) => c.capability === 'streaming')).toBe(true);
    expect(CHECKS.find((c) => c.id === 'capabilities.vision')?.capability).toBe('vision');
    expect(CHECKS.find((c) => c.id === 'capabilities.function-calling')?.capability).toBe('function_calling');
  });
});

describe('selectChecks', () => {
  it('selects everything by default, in catalogue order', () => {
    expect(ids(selectChecks([], []))).toEqual(ids(CHECKS));
  });

  it('takes ids and globs for --only and --skip, keeping catalogue order', () => {
    expect(ids(selectChecks(['errors.*'], []))).toEqual(ids(CHECKS).filter((id) => id.startsWith('errors.')));
    expect(ids(selectChecks(['*.schema'], []))).toEqual(['health.schema', 'metadata.schema', 'models.schema', 'chat.schema']);
    expect(ids(selectChecks(['chat.usage-adds-up', 'metadata.schema'], []))).toEqual(['metadata.schema', 'chat.usage-adds-up']);
    const skipped = ids(selectChecks([], ['streaming.*', 'errors.timeout']));
    expect(skipped).not.toContain('errors.timeout');
    expect(skipped.some((id) => id.startsWith('streaming.'))).toBe(false);
    expect(skipped).toHaveLength(CHECKS.length - CHECKS.filter((c) => c.id.startsWith('streaming.')).length - 1);
  });

  it('refuses a pattern that matches nothing, with a did-you-mean', () => {
    const attempt = (only: string[], skip: string[] = []) => {
      try {
        selectChecks(only, skip);
      } catch (error) {
        return error as LoomPluginError;
      }
      throw new Error('selectChecks accepted it');
    };
    const typo = attempt(['metadata.shema']);
    expect(typo).toBeInstanceOf(LoomPluginError);
    expect(typo.code).toBe('E_USAGE');
    expect(typo.message).toContain('--only "metadata.shema" matches no check');
    expect(typo.hint).toContain('Did you mean "metadata.schema"?');
    expect(attempt(['erors.*']).hint).toContain('"errors.*"');
    expect(attempt([], ['nothing-like-it-at-all']).message).toContain('--skip');
  });
});

describe('globMatches', () => {
  it.each([
    ['errors.*', 'errors.auth', true],
    ['errors.*', 'errors.', true],
    ['errors.*', 'error.auth', false],
    ['*.schema', 'health.schema', true],
    ['*.schema', 'health.schemas', false],
    ['*timeout*', 'errors.timeout.status', true],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
    ['a*a*a*b', 'aaaaaaaaaa', false],
    ['**x', 'abx', true],
    ['manifest/*', 'manifest/auto-start', true],
    ['errors.?', 'errors.a', false], // only * is special: ? . [ ( are themselves
    ['errors.(a|b)', 'errors.(a|b)', true],
  ])('%s against %s is %s', (pattern, id, expected) => {
    expect(globMatches(pattern, id)).toBe(expected);
  });
});

describe('runSuite', () => {
  it('skips checks of capabilities the manifest does not declare, with the reason', async () => {
    const run = await runFixture(REFERENCE_DIR, {
      only: ['streaming.content-type', 'capabilities.*', 'chat.schema'],
      editManifest: (manifest) => ({ ...manifest, metadata: { ...manifest.metadata, capabilities: { streaming: false, vision: true } } }),
    });
    expect(run.byId.get('streaming.content-type')).toMatchObject({ status: 'skip', message: 'the manifest does not declare the streaming capability' });
    expect(run.byId.get('capabilities.function-calling')?.status).toBe('skip');
    expect(run.byId.get('capabilities.vision')?.status).toBe('pass');
    expect(run.byId.get('chat.schema')?.status).toBe('pass');
  }, 20_000);

  it('skips upstream checks without a mock, and when the upstream field is not in the config schema', async () => {
    const upstreamChecks = ['chat.forwarded', 'errors.rate-limit', 'errors.timeout', 'streaming.incremental'];
    const noMock = await runFixture(REFERENCE_DIR, { only: [...upstreamChecks, 'error-table.rate-limit'], withMock: false });
    for (const id of upstreamChecks) expect(noMock.byId.get(id), id).toMatchObject({ status: 'skip', message: 'there is no mock upstream in this run' });
    expect(noMock.byId.get('error-table.rate-limit')?.status).toBe('skip');

    const otherField = await runFixture(REFERENCE_DIR, { only: upstreamChecks, suite: { upstreamField: 'base_url' } });
    for (const id of upstreamChecks) {
      expect(otherField.byId.get(id)?.status, id).toBe('skip');
      expect(otherField.byId.get(id)?.message).toContain('no "base_url" field');
    }
  }, 30_000);

  it('skips initialize-with-{} when the plugin did not get its config through the environment', async () => {
    const run = await runFixture(REFERENCE_DIR, { only: ['lifecycle.initialize-empty', 'health.healthy'], suite: { configInEnv: false } });
    expect(run.byId.get('lifecycle.initialize-empty')?.status).toBe('skip');
    expect(run.byId.get('health.healthy')?.status).toBe('pass');
  }, 20_000);

  it('skips the before-/initialize and {} checks for an attached plugin', async () => {
    const run = await runFixture(REFERENCE_DIR, { only: ['lifecycle.before-initialize', 'lifecycle.initialize-empty', 'lifecycle.initialize'], suite: { attached: true } });
    expect(run.byId.get('lifecycle.before-initialize')?.status).toBe('skip');
    expect(run.byId.get('lifecycle.before-initialize')?.message).toContain('--endpoint');
    expect(run.byId.get('lifecycle.initialize-empty')?.status).toBe('skip');
    expect(run.byId.get('lifecycle.initialize')?.status).toBe('pass');
  }, 20_000);

  it('an attached plugin that fills a missing field or refuses {} is not failed: its environment cannot be seen', async () => {
    // relay-node reads its key from its environment only (mapped from LOOM_CONFIG_API_KEY), as the shipped host allows.
    const filled = await runFixture(join(PLUGINS_DIR, 'strangers', 'relay-node'), { only: ['lifecycle.config-missing-field'], suite: { attached: true } });
    expect(filled.byId.get('lifecycle.config-missing-field')?.status).toBe('skip');
    expect(filled.byId.get('lifecycle.config-missing-field')?.message).toMatch(/--endpoint.*LOOM_CONFIG_/);
    const refuses = await runFixture(join(PLUGINS_DIR, 'broken', 'initialize-rejects-empty'), { only: ['host.load-sequence'], suite: { attached: true } });
    expect(refuses.byId.get('host.load-sequence')?.status).toBe('skip');
    expect(refuses.byId.get('host.load-sequence')?.message).toMatch(/did not start it \(--endpoint\).*Start it with LOOM_CONFIG_API_KEY/);
    // Started by the run, the same plugin fails: its environment held the values.
    const started = await runFixture(join(PLUGINS_DIR, 'broken', 'initialize-rejects-empty'), { only: ['host.load-sequence'] });
    expect(started.byId.get('host.load-sequence')?.status).toBe('fail');
  }, 30_000);

  it('masks secrets in messages, excerpts and curl lines of failures', async () => {
    const run = await runFixture(join(PLUGINS_DIR, 'broken', 'initialize-201'), { only: ['lifecycle.initialize', 'host.load-sequence'] });
    const failure = run.byId.get('lifecycle.initialize');
    expect(failure?.status).toBe('fail');
    expect(failure?.exchange?.requestBody).toContain('"api_key":"***"');
    expect(failure?.exchange?.curl).toContain('/initialize');
    const text = JSON.stringify(run.results);
    expect(run.secrets.length).toBeGreaterThan(0);
    for (const secret of run.secrets) expect(text).not.toContain(secret);
  }, 20_000);

  it('turns a check that throws into a failure with the message, and goes on', async () => {
    const impl = CHECK_IMPLEMENTATIONS['errors.unknown-path'];
    if (!impl) throw new Error('no implementation');
    const original = impl.run;
    impl.run = () => Promise.reject(new TypeError('boom in the check'));
    try {
      const run = await runFixture(REFERENCE_DIR, { only: ['errors.unknown-path', 'metadata.schema'] });
      expect(run.byId.get('errors.unknown-path')).toMatchObject({ status: 'fail', message: 'The check stopped with an unexpected error: boom in the check' });
      expect(run.byId.get('metadata.schema')?.status).toBe('pass');
    } finally {
      impl.run = original;
    }
  }, 20_000);

  it('throws InterruptedError when aborted mid-run, and only then', async () => {
    const controller = new AbortController();
    let started = 0;
    const attempt = runFixture(REFERENCE_DIR, {
      suite: {
        signal: controller.signal,
        onCheckStart: () => {
          started += 1;
          if (started === 3) controller.abort();
        },
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(InterruptedError);
    expect(started).toBe(3);
  }, 20_000);

  it('costs a bounded time for a plugin that never answers chat requests', async () => {
    const started = performance.now();
    const run = await runFixture(join(PLUGINS_DIR, 'broken', 'chat-hangs'), { timeoutMs: 1000 });
    const elapsed = performance.now() - started;
    // One timeout before /initialize, one that trips the breaker, the timeout check's own
    // wait (1 s + 1 s): every later chat is not sent, and blocked by the check that timed
    // out (it says nothing about the plugin), at once.
    expect(elapsed).toBeLessThan(12_000);
    expect(run.byId.get('lifecycle.before-initialize')?.message).toMatch(/timed out after 1000 ms/);
    // A recommended check tripped the breaker first: the first required chat sends again
    // (and fails on its own), so a hung path always fails a required check.
    expect(run.byId.get('lifecycle.reinitialize')?.status).toBe('fail');
    expect(run.byId.get('lifecycle.reload')?.message).toMatch(/timed out after 1000 ms/);
    for (const id of ['chat.schema', 'chat.concurrent', 'errors.invalid-json', 'streaming.content-type']) {
      expect(run.byId.get(id), id).toMatchObject({ status: 'blocked', blockedBy: 'lifecycle.reload' });
      expect(run.byId.get(id)?.message).toMatch(/POST \/chat\/completions timed out there, so this check's request was not sent/);
    }
    expect(run.byId.get('metadata.schema')?.status).toBe('pass');
    expect(run.byId.get('health.healthy')?.status).toBe('pass');
  }, 30_000);

  it('never throws for a plugin that is not there: every check fails, skips or is blocked, quickly', async () => {
    const port = await findFreePort();
    const client = new PluginClient(`http://127.0.0.1:${port}`, { timeoutMs: 2000 });
    const started = performance.now();
    try {
      const results = await runSuite({
        manifest: readManifest(REFERENCE_DIR),
        client,
        mock: undefined,
        config: { values: { api_key: 'sk-test-secret-1234', endpoint: 'http://127.0.0.1:9' }, sources: {}, secrets: ['sk-test-secret-1234'], missingRequired: [] },
        upstreamField: 'endpoint',
        checks: CHECKS,
        timeoutMs: 2000,
      });
      expect(results).toHaveLength(CHECKS.length);
      // Only the manifest rules can pass: they need no plugin (and the URL probe has no / to try).
      expect(results.filter((r) => r.status === 'pass').map((r) => r.id)).toEqual(['manifest/yaml-only', 'auto-start/disabled', 'file/bom', 'env/unquoted-value', 'endpoint/trailing-slash']);
      const failed = results.filter((r) => r.status === 'fail');
      expect(failed.find((r) => r.id === 'lifecycle.initialize')?.message).toMatch(/no answer \(connection refused/);
      // One root cause: what needs an initialized plugin is blocked by it, not failed again.
      const blocked = results.filter((r) => r.status === 'blocked');
      expect(blocked.length).toBeGreaterThan(20);
      expect(new Set(blocked.map((r) => r.blockedBy))).toEqual(new Set(['lifecycle.initialize']));
      expect(JSON.stringify(results)).not.toContain('sk-test-secret-1234');
    } finally {
      await client.close();
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
