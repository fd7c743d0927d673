// The example bodies of the Loom plugin development guide must be accepted as they are:
// plugin authors copy them.
import { describe, expect, it } from 'vitest';
import { checkAgainstSchema } from '../../src/core/schema-registry.js';

describe("the guide's example bodies", () => {
  it('metadata', async () => {
    const body = {
      name: 'My Custom Plugin',
      version: '1.0.0',
      plugin_api_version: '1.0.0',
      provider_type: 'my-provider',
      description: 'Integration with My AI Provider',
      author: 'Your Name',
      homepage: 'https://github.com/you/my-plugin',
      license: 'MIT',
      capabilities: { streaming: false, function_calling: false, vision: false },
      config_schema: [{ name: 'api_key', type: 'string', required: true, description: 'API key', sensitive: true }],
    };
    expect((await checkAgainstSchema('metadata', body)).errors).toEqual([]);
  });

  it('health with a Z timestamp', async () => {
    const body = {
      healthy: true,
      message: 'OK',
      latency_ms: 5,
      timestamp: '2026-01-21T10:00:00Z',
      details: { provider_status: 'connected' },
    };
    expect((await checkAgainstSchema('health', body)).errors).toEqual([]);
  });

  it('chat completion response', async () => {
    const body = {
      id: 'chatcmpl-123',
      object: 'chat.completion',
      created: 1706000000,
      model: 'gpt-4',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you?' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 8, total_tokens: 18, cost_usd: 0.000054 },
    };
    expect((await checkAgainstSchema('chat-completion-response', body)).errors).toEqual([]);
  });

  it('models (a bare array)', async () => {
    const body = [
      {
        id: 'gpt-4',
        name: 'GPT-4',
        description: 'Most capable model',
        context_window: 8192,
        max_output_tokens: 4096,
        cost_per_mtoken: 0.03,
        capabilities: { streaming: true, function_calling: true, vision: false },
      },
    ];
    expect((await checkAgainstSchema('models', body)).errors).toEqual([]);
    expect((await checkAgainstSchema('models', { data: body })).valid).toBe(false);
  });

  it('chat request, initialize request and the rate-limit error', async () => {
    expect(
      (await checkAgainstSchema('chat-completion-request', {
        model: 'gpt-4',
        messages: [{ role: 'user', content: 'Hello!' }],
        temperature: 0.7,
        max_tokens: 1000,
      })).errors,
    ).toEqual([]);
    expect((await checkAgainstSchema('initialize-request', { api_key: 'sk-...', endpoint: 'https://api.example.com', timeout: 30 })).errors).toEqual([]);
    expect(
      (await checkAgainstSchema('error', {
        code: 'rate_limit_exceeded',
        message: 'Rate limit exceeded, retry after 60s',
        transient: true,
        details: { retry_after: 60, limit: 1000, remaining: 0 },
      })).errors,
    ).toEqual([]);
  });

  it("rejects the guide's Python health timestamp (naive datetime.now().isoformat())", async () => {
    const result = await checkAgainstSchema('health', { healthy: true, message: 'OK', latency_ms: 5, timestamp: '2026-01-21T10:00:00.123456' });
    expect(result.valid).toBe(false);
    expect(result.errors.map((error) => error.instancePath)).toContain('/timestamp');
  });
});
