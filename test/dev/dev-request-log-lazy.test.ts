/**
 * The request log does per-request work only for someone who reads: the schema check of
 * an answer and the masking of bodies run when an entry is first read, once; and the
 * event form of an entry cannot leak what it holds unmasked (inspect, spread, JSON).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AnswerShapes } from '../../src/core/dev/answer-shape.js';
import { RequestLog } from '../../src/core/dev/request-log.js';
import { SecretMasker } from '../../src/core/runtime/mask-secrets.js';

const SECRET = 'sk-live-hunter2222';

function setup(): { log: RequestLog; checks: string[] } {
  const checks: string[] = [];
  const shapes: AnswerShapes = {
    warnings: (_status, _stream, body) => {
      checks.push(body);
      return body.includes('1.5') ? [`/created is 1.5 in an answer that also says ${SECRET}`] : [];
    },
  };
  const secrets = new SecretMasker([SECRET]);
  return { log: new RequestLog(secrets, 10, shapes), checks };
}

const entry = (responseBody: string) => ({
  time: 1, method: 'POST', path: '/v1/chat/completions', provider: 'p', model: `m-${SECRET}`, status: 200, durationMs: 1, stream: false,
  requestBody: `{"key":"${SECRET}"}`, responseBody, truncated: false, error: undefined,
});

describe('request log, lazily', () => {
  it('checks an answer when its entry is first read, and only once', () => {
    const { log, checks } = setup();
    const stored = log.add(entry('{"created":1.5}'), 'http://127.0.0.1:1');
    log.add(entry('{"created":1}'), 'http://127.0.0.1:1');
    expect(checks).toHaveLength(0);
    const event = log.event(stored);
    expect(checks).toHaveLength(0);
    expect(event.warnings).toEqual(['/created is 1.5 in an answer that also says ***']);
    const [first, second] = log.entries();
    expect(first!.warnings).toEqual(['/created is 1.5 in an answer that also says ***']);
    expect(second!.warnings).toBeUndefined();
    expect('warnings' in second!).toBe(false);
    log.entries();
    expect(checks).toEqual(['{"created":1.5}', '{"created":1}']);
  });

  it('gives an event entry that shows only masked values, however it is looked at', () => {
    const { log } = setup();
    const event = log.event(log.add(entry('{"created":1.5}'), 'http://127.0.0.1:1'));
    for (const view of [inspect(event, { depth: 5, showHidden: true }), JSON.stringify({ ...event }), JSON.stringify(event), JSON.stringify(structuredClone(event))]) {
      expect(view).not.toContain(SECRET);
    }
    expect(event.requestBody).toBe('{"key":"***"}');
    expect(event.curl).toContain('{"key":"***"}');
    expect(JSON.parse(JSON.stringify(event))).toMatchObject({ model: 'm-***', requestBody: '{"key":"***"}', warnings: ['/created is 1.5 in an answer that also says ***'] });
  });
});
