import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, LogBuffer } from '../../src/core/runtime/log-buffer.js';
import { rewriteArgs, rewriteEndpoint, rewriteEnv } from '../../src/core/runtime/port-rewrite.js';
import { expandConfigReferences } from '../../src/core/runtime/plugin-process.js';
import { PluginClient } from '../../src/core/runtime/http-client.js';
import { SseDataParser } from '../../src/core/runtime/sse-parser.js';

describe('port rewrite', () => {
  it('replaces the endpoint port, keeps host and path prefix, drops trailing slashes', () => {
    expect(rewriteEndpoint('http://127.0.0.1:8090', 5000)).toBe('http://127.0.0.1:5000');
    expect(rewriteEndpoint('http://localhost:8090/v1/', 5000)).toBe('http://localhost:5000/v1');
    expect(rewriteEndpoint('http://127.0.0.1/', 5000)).toBe('http://127.0.0.1:5000');
    expect(rewriteEndpoint('http://127.0.0.1:8090/', undefined)).toBe('http://127.0.0.1:8090');
    expect(() => rewriteEndpoint('not a url', 1)).toThrow();
  });
  it('rewrites --port N and --port=N only', () => {
    expect(rewriteArgs(['server.py', '--port', '8090', '--port=8090', '--portal', '1', '-p', '2'], 5000)).toEqual([
      'server.py', '--port', '5000', '--port=5000', '--portal', '1', '-p', '2',
    ]);
    expect(rewriteArgs(['--port'], 5000)).toEqual(['--port']);
    expect(rewriteArgs(['--port', '1'], undefined)).toEqual(['--port', '1']);
  });
  it('sets PORT over the manifest env', () => {
    expect(rewriteEnv({ PORT: '8090', A: 'b' }, 5000)).toEqual({ PORT: '5000', A: 'b' });
    expect(rewriteEnv(undefined, undefined)).toEqual({});
  });
});

describe('LogBuffer', () => {
  it('keeps the newest lines within the byte budget and tails per stream', () => {
    const buffer = new LogBuffer(100);
    for (let i = 0; i < 50; i += 1) buffer.push({ stream: i % 2 ? 'stderr' : 'stdout', text: `line ${i}`, time: i });
    const held = buffer.lines();
    expect(held.reduce((n, l) => n + l.text.length + 1, 0)).toBeLessThanOrEqual(100);
    expect(held.at(-1)?.text).toBe('line 49');
    expect(buffer.dropped).toBe(50 - held.length);
    expect(buffer.tail(2)).toBe('line 48\nline 49');
    expect(buffer.tail(2, 'stderr')).toBe('line 47\nline 49');
  });
  it('cuts very long lines instead of evicting everything', () => {
    const buffer = new LogBuffer(64 * 1024);
    buffer.push({ stream: 'stdout', text: 'short', time: 0 });
    buffer.push({ stream: 'stdout', text: 'y'.repeat(100_000), time: 1 });
    expect(buffer.lines()).toHaveLength(2);
    expect(buffer.lines()[1]?.text.endsWith('[line cut]')).toBe(true);
  });
  it('splits chunks into lines, CRLF too, and flushes the rest at end', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((t) => lines.push(t));
    splitter.write('a\r\nb');
    splitter.write('c\nd');
    splitter.end();
    expect(lines).toEqual(['a', 'bc', 'd']);
  });
});

describe('SseDataParser', () => {
  it('yields the same events however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 7 }), (payloads, size) => {
        const wire = payloads.map((p) => `data: ${p}\n\n`).join('');
        const parser = new SseDataParser();
        for (let i = 0; i < wire.length; i += size) parser.write(wire.slice(i, i + size));
        expect(parser.end()).toEqual(payloads);
      }),
    );
  });
});

describe('manifest env: ${LOOM_CONFIG_<NAME>} references', () => {
  it('become the config values, so variables of the plugin\'s own naming get them too', () => {
    const config = { LOOM_CONFIG_UPSTREAM_URL: 'http://127.0.0.1:4000', LOOM_CONFIG_API_KEY: 'k' };
    expect(expandConfigReferences({ RELAY_UPSTREAM: '${LOOM_CONFIG_UPSTREAM_URL}', URL: '${LOOM_CONFIG_UPSTREAM_URL}/v1', KEY: 'Bearer ${LOOM_CONFIG_API_KEY}' }, config)).toEqual({
      RELAY_UPSTREAM: 'http://127.0.0.1:4000',
      URL: 'http://127.0.0.1:4000/v1',
      KEY: 'Bearer k',
    });
  });

  it('leave unknown names and other text as written', () => {
    expect(expandConfigReferences({ A: '${LOOM_CONFIG_NOPE}', B: '${HOME}', C: 'plain' }, {})).toEqual({ A: '${LOOM_CONFIG_NOPE}', B: '${HOME}', C: 'plain' });
  });
});

describe('PluginClient pathPrefix', () => {
  it('joins like the shipped host: "/" + "/health" is "//health"; exactPath leaves it out', async () => {
    const client = new PluginClient('http://127.0.0.1:9', { timeoutMs: 200, pathPrefix: '/' });
    try {
      expect((await client.request('GET', '/health', { breaker: false })).request.url).toBe('http://127.0.0.1:9//health');
      expect((await client.request('GET', '/health', { exactPath: true, breaker: false })).request.url).toBe('http://127.0.0.1:9/health');
    } finally {
      await client.close();
    }
  });
});
