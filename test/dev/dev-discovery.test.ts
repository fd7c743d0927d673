/**
 * What gets hosted and with which config: a folder of plugins discovered like Loom does
 * (auto_start only, duplicates refused, invalid manifests not started), routing by model
 * across plugins, missing required config without a TTY, and --mock-upstream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFixture, FIXTURES, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.host.close();
  t = undefined;
});

describe('a folder of plugins', () => {
  it('hosts auto_start plugins keyed by provider_type, refuses a duplicate, does not start an invalid one', async () => {
    t = await startTestHost({ path: `${FIXTURES}multi`, watch: false });
    await t.host.ready;
    const byKey = Object.fromEntries(t.host.state().map((p) => [p.key, p]));
    expect(Object.keys(byKey).sort()).toEqual(['alpha', 'alpha#test/fixtures/dev/multi/beta-duplicate', 'delta', 'test/fixtures/dev/multi/zz-invalid']);
    expect(byKey.alpha?.state).toBe('healthy');
    expect(byKey.delta?.state).toBe('healthy');
    const duplicate = byKey['alpha#test/fixtures/dev/multi/beta-duplicate']!;
    expect(duplicate.state).toBe('refused');
    expect(duplicate.stateMessage).toContain("provider_type 'alpha' is already used by test/fixtures/dev/multi/alpha/plugin.yaml");
    expect(duplicate.pid).toBeUndefined();
    const invalid = byKey['test/fixtures/dev/multi/zz-invalid']!;
    expect(invalid.state).toBe('invalid');
    expect(invalid.pid).toBeUndefined();
    expect(invalid.diagnostics.some((d) => d.severity === 'error' && d.line > 0)).toBe(true);
    expect(t.host.skipped).toEqual(['test/fixtures/dev/multi/gamma-manual/plugin.yaml']);
    // A reload request for a refused plugin does nothing.
    expect(await t.host.reload('alpha#test/fixtures/dev/multi/beta-duplicate')).toBeUndefined();
  }, 40_000);

  it('says so when a saved manifest takes a provider_type another plugin has, and keeps serving', async () => {
    const copy = await copyFixture('multi');
    // The multi plugins run ../../echo/plugin.js.
    await cp(join(FIXTURES, 'echo'), join(copy.dir, '..', 'echo'), { recursive: true });
    try {
      t = await startTestHost({ path: copy.dir, watch: false });
      await t.host.ready;
      const manifest = join(copy.dir, 'delta', 'plugin.yaml');
      await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('provider_type: delta', 'provider_type: alpha'));
      const before = t.events.length;
      const attempt = await t.host.reload('delta');
      expect(attempt).toMatchObject({ ok: false, step: 'validate' });
      const said = t.events.slice(before).find((e) => e.type === 'state' && e.key === 'delta');
      expect(said?.type === 'state' && said.message).toBe("provider_type 'alpha' is already used by another plugin. Still serving the previous version.");
      expect(t.host.state().find((p) => p.key === 'delta')?.state).toBe('healthy');
    } finally {
      await t?.host.close();
      t = undefined;
      await copy.remove();
    }
  }, 40_000);

  it('routes each model to the plugin that owns it', async () => {
    t = await startTestHost({ path: `${FIXTURES}multi`, watch: false });
    await t.host.ready;
    const models = (await t.call('GET', '/v1/models')).json as { data: Array<{ id: string; owned_by: string }> };
    expect(models.data.map((m) => `${m.owned_by}:${m.id}`)).toEqual(expect.arrayContaining(['alpha:alpha-1', 'alpha:alpha-2', 'delta:delta-1', 'delta:delta-2']));
    for (const model of ['alpha-2', 'delta-1']) {
      const res = await t.call('POST', '/v1/chat/completions', { body: { model, messages: [{ role: 'user', content: 'x' }] } });
      expect(res.status).toBe(200);
      expect((res.json as { model: string }).model).toBe(model);
    }
    const requests = t.host.requests();
    expect(requests.slice(-2).map((r) => r.provider)).toEqual(['alpha', 'delta']);
    const unknown = await t.call('POST', '/v1/chat/completions', { body: { model: 'nobody-has-it', messages: [] } });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: { message: expect.stringContaining("No hosted plugin has the model 'nobody-has-it'"), type: 'invalid_request_error', param: null, code: 'model_not_found' } });
  }, 40_000);
});

describe('config', () => {
  it('reads one --config section per provider_type for a folder of plugins', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/loom-dev-config-`);
    const file = `${dir}/secrets.yaml`;
    await writeFile(file, 'alpha:\n  api_key: alpha-secret-111\ndelta:\n  api_key: delta-secret-222\n');
    try {
      t = await startTestHost({ path: `${FIXTURES}multi`, watch: false, env: { PATH: process.env.PATH }, configFile: file });
      await t.host.ready;
      const byKey = Object.fromEntries(t.host.state().map((p) => [p.key, p]));
      expect(byKey.alpha?.state).toBe('healthy');
      expect(byKey.delta?.state).toBe('healthy');
      expect(byKey.alpha?.configSources.api_key).toBe('override');
      const shown = JSON.stringify(t.events) + JSON.stringify(t.host.state());
      expect(shown).toContain('initialized with key ***');
      expect(shown).not.toMatch(/alpha-secret-111|delta-secret-222/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('waits with the missing names listed when a required value is missing and nobody can be asked', async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, env: { PATH: process.env.PATH } });
    await t.host.ready;
    const view = t.host.state()[0]!;
    expect(view.state).toBe('waiting-config');
    expect(view.missingConfig).toEqual(['api_key']);
    // The variable by its own name, not LOOM_CONFIG_<NAME> to work out.
    expect(view.stateMessage).toBe('Missing required config: api_key. Pass it in a --config file, or set LOOM_CONFIG_API_KEY, and restart dev.');
    expect(view.pid).toBeUndefined();
    expect((await t.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [] } })).status).toBe(503);
  }, 20_000);

  it('asks for missing values when it can, and keeps the answer secret', async () => {
    const asked: string[][] = [];
    t = await startTestHost({
      path: `${FIXTURES}echo`,
      watch: false,
      env: { PATH: process.env.PATH },
      askConfig: async (request) => {
        asked.push(request.missing);
        return { api_key: 'typed-in-secret-value' };
      },
    });
    await t.host.ready;
    expect(asked).toEqual([['api_key']]);
    expect(t.host.state()[0]!.state).toBe('healthy');
    expect(JSON.stringify(t.events)).toContain('initialized with key ***');
    expect(JSON.stringify(t.events)).not.toContain('typed-in-secret-value');
  }, 20_000);

  it('--mock-upstream points the upstream field and api key at the built-in mock, offline', async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, mockUpstream: true, env: { PATH: process.env.PATH } });
    await t.host.ready;
    const view = t.host.state()[0]!;
    expect(view.state).toBe('healthy');
    expect(view.configSources).toEqual({ api_key: 'override', endpoint: 'override' });
    const res = await t.call('POST', '/v1/chat/completions', { body: { model: 'mock-small', messages: [{ role: 'user', content: 'through the mock' }] } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('mock reply to: through the mock');
    const info = (await t.call('GET', '/api/info')).json as { mockUpstream: { url: string } };
    expect(info.mockUpstream.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The mock's key reached the plugin (it printed it) but is masked in everything shown.
    expect(JSON.stringify(t.events)).toContain('initialized with key ***');
    expect(JSON.stringify(t.events)).not.toMatch(/initialized with key mock-/);
  }, 20_000);
});
