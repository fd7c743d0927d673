// The Schemathesis run must be able to fail: a plugin whose chat handler answers some
// requests with a 500 HTML page (the standard library's default) is caught, and so is a
// stream whose events break the chunk schema, and a plugin that a request makes exit.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fuzzPlugin } from './fuzz-plugin.js';

const PLUGINS = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/openapi/html-500/', import.meta.url));

describe('Schemathesis with the OpenAPI document', { timeout: 300_000 }, () => {
  it('fails a plugin that answers a 500 HTML page', async () => {
    const result = await fuzzPlugin(join(FIXTURE));
    expect(result.code, result.output).toBe(1);
    expect(result.failures).toBeGreaterThan(0);
    expect(result.output).toContain('POST /chat/completions');
    expect(result.output).toMatch(/Undocumented Content-Type[\s\S]*text\/html/);
    // Only the chat operation is broken; the plugin itself survives.
    expect(result.output).not.toMatch(/_ (GET|POST) \/(metadata|health|models|initialize|cleanup) _/);
    expect(result.alive).toBe(true);
  });

  it('notices a plugin that a request takes down', async () => {
    const result = await fuzzPlugin(FIXTURE, { manifestFile: 'plugin-exits.yaml' });
    expect(result.alive).toBe(false);
    expect(result.healthStatus).toBe(0);
    expect(result.code).not.toBe(0);
  });

  it('checks every event of a stream: chunks that say object "chunk" fail', async () => {
    const result = await fuzzPlugin(join(PLUGINS, 'broken', 'stream-bad-chunks'));
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('SSE event violates schema');
    expect(result.output).toContain('\\"object\\":\\"chunk\\"');
  });
});
