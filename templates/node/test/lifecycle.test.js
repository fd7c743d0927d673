// Metadata, initialize (config validation and env fallback), health, cleanup, models.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { CONFIG_SCHEMA, METADATA, envName } from '../src/settings.js';
import { API_KEY, MODELS, startFakeUpstream, validConfig } from './fake-upstream.js';
import { assertError, startApp } from './helpers.js';

const RFC3339_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

let upstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());

describe('metadata', () => {
  it('is the manifest\'s metadata (plugin.json)', async () => {
    const app = await startApp();
    try {
      const response = await app.call('GET', '/metadata');
      assert.equal(response.status, 200);
      const manifest = JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8'));
      assert.deepEqual(await response.json(), manifest.metadata);
      assert.deepEqual(METADATA, manifest.metadata);
    } finally {
      await app.close();
    }
  });
});

describe('lifecycle', () => {
  it('refuses calls before initialize, but health answers', async () => {
    const app = await startApp();
    try {
      await assertError(await app.call('GET', '/models'), 'provider_unavailable', 503);
      const chat = await app.call('POST', '/chat/completions', { model: 'fake-small', messages: [{ role: 'user', content: 'hi' }] });
      await assertError(chat, 'provider_unavailable', 503);
      const health = await app.call('GET', '/health');
      assert.equal(health.status, 200);
      assert.equal((await health.json()).healthy, false);
    } finally {
      await app.close();
    }
  });

  it('is healthy after initialize, survives cleanup + initialize, and lists models', async () => {
    const app = await startApp();
    try {
      const config = validConfig(upstream.url);
      assert.equal((await app.call('POST', '/initialize', config)).status, 200);
      const health = await (await app.call('GET', '/health')).json();
      assert.equal(health.healthy, true);
      assert.ok(Number.isInteger(health.latency_ms));
      assert.match(health.timestamp, RFC3339_WITH_ZONE);
      const models = await (await app.call('GET', '/models')).json();
      assert.deepEqual(models.map((model) => model.id), MODELS);
      assert.ok(models.every((model) => typeof model.name === 'string' && model.name));

      assert.deepEqual(await (await app.call('POST', '/cleanup')).json(), {});
      assert.equal((await (await app.call('GET', '/health')).json()).healthy, false);
      await assertError(await app.call('GET', '/models'), 'provider_unavailable', 503);
      assert.equal((await app.call('POST', '/initialize', config)).status, 200);
      assert.equal((await app.call('POST', '/initialize', config)).status, 200); // twice is harmless
      assert.equal((await (await app.call('GET', '/health')).json()).healthy, true);
    } finally {
      await app.close();
    }
  });

  it('takes config from LOOM_CONFIG_* when /initialize gets {}', async () => {
    const env = {};
    const app = await startApp(env);
    try {
      // With a required field, {} alone is not a config; without one it is.
      if (CONFIG_SCHEMA.some((field) => field.required)) await assertError(await app.call('POST', '/initialize', {}), 'invalid_request', 400);
      for (const [key, value] of Object.entries(validConfig(upstream.url, { timeout: 5 }))) env[envName(key)] = String(value);
      assert.equal((await app.call('POST', '/initialize', {})).status, 200);
      assert.equal((await app.call('GET', '/models')).status, 200);
      env.LOOM_CONFIG_TIMEOUT = 'soon';
      const body = await assertError(await app.call('POST', '/initialize', {}), 'invalid_request', 400);
      assert.match(body.message, /LOOM_CONFIG_TIMEOUT/);
    } finally {
      await app.close();
    }
  });

  it('answers bad config with invalid_request', async () => {
    const app = await startApp();
    // Built from the manifest's own fields, so every provider API's config is covered.
    const good = validConfig('http://127.0.0.1:1');
    const bad = [{ ...good, endpoint: 'ftp://example.com' }, ['not', 'an', 'object'], '{nope'];
    for (const field of CONFIG_SCHEMA) {
      const name = field.name;
      if (field.required) bad.push(Object.fromEntries(Object.entries(good).filter(([key]) => key !== name)));
      if (field.type === 'string') bad.push({ ...good, [name]: 123 }, { ...good, [name]: null });
      if (field.type === 'string' && field.required) bad.push({ ...good, [name]: '' });
      if (field.type === 'int') {
        bad.push({ ...good, [name]: '30' }, { ...good, [name]: true }, { ...good, [name]: 1.5 });
        if (field.validation?.min !== undefined) bad.push({ ...good, [name]: field.validation.min - 1 });
        if (field.validation?.max !== undefined) bad.push({ ...good, [name]: field.validation.max + 1 });
      }
    }
    try {
      for (const config of bad) {
        const body = await assertError(await app.call('POST', '/initialize', config), 'invalid_request', 400);
        assert.equal(body.transient, false);
        assert.ok(!body.message.includes(API_KEY));
      }
    } finally {
      await app.close();
    }
  });

  it('answers unknown paths and wrong methods with JSON errors', async () => {
    const app = await startApp();
    try {
      for (const [method, path] of [['GET', '/nope'], ['GET', '/chat/completions'], ['DELETE', '/metadata'], ['OPTIONS', '/metadata']]) {
        const response = await app.call(method, path);
        assert.match(response.headers.get('content-type'), /application\/json/);
        await assertError(response, 'invalid_request', 400);
      }
    } finally {
      await app.close();
    }
  });
});
