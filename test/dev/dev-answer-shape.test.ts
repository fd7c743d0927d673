/**
 * The /v1 door forwards a plugin's answer as it is, but says when the shipped Loom host
 * would refuse it: Sundial (standard-library Python, written elsewhere) stamps `created`
 * with time.time(), a float, and can answer content as a list of parts. The request log
 * entry carries a warning in the suite's words, the terminal shows it under the request
 * line, the client gets the plugin's bytes unchanged, and a correct answer (the same
 * plugin saying "tidy", or the parrot fixture) gets no warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevReporter } from '../../src/output/dev-reporter.js';
import { memoryIo } from '../helpers/memory-io.js';
import { copyFixture, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;
let remove: () => Promise<void>;

beforeAll(async () => {
  const copy = await copyFixture('sundial-py');
  remove = copy.remove;
  t = await startTestHost({ path: copy.dir });
  await t.host.ready;
}, 60_000);

afterAll(async () => {
  await t?.host.close();
  await remove?.();
});

async function chat(content: string, stream = false): Promise<{ text: string; warnings: string[] | undefined; terminal: string }> {
  const before = t.host.requests().length;
  const answer = await t.call('POST', '/v1/chat/completions', { body: { model: 'sundial-1', messages: [{ role: 'user', content }], ...(stream ? { stream } : {}) } });
  expect(answer.status).toBe(200);
  const event = await t.waitFor((e) => e.type === 'request' && e.entry.id > before);
  const entry = t.host.requests().at(-1)!;
  const io = memoryIo({ env: { NO_COLOR: '1' } });
  createDevReporter(io)(event);
  return { text: answer.text, warnings: entry.warnings, terminal: io.stdout.text };
}

describe('answers the shipped host would refuse are forwarded, with a warning', () => {
  it('a float created: warned in the log and the terminal, body unchanged', async () => {
    const { text, warnings, terminal } = await chat('what time is it?');
    // The client got the plugin's own bytes: created is still a fraction.
    const created = (JSON.parse(text) as { created: number }).created;
    expect(Number.isInteger(created)).toBe(false);
    expect(text).toMatch(/"created": \d+\.\d+/);
    expect(warnings).toHaveLength(1);
    expect(warnings![0]).toContain('chat.schema');
    expect(warnings![0]).toMatch(/\/created is \d+\.\d+, a number with a fraction; it must be an integer/);
    expect(warnings![0]).toContain('strict JSON types');
    expect(terminal).toMatch(/→ POST \/v1\/chat\/completions 200 .*\n {4}! The answer does not match schemas\/chat-completion-response\.schema\.json/);
  });

  it('content as a list of parts is named too', async () => {
    const { warnings } = await chat('tidy, but in parts');
    expect(warnings).toHaveLength(1);
    expect(warnings![0]).toContain('/choices/0/message/content is a list; it must be a string or null.');
    expect(warnings![0]).not.toContain('/created');
  });

  it('a stream whose chunks carry a float created', async () => {
    const { text, warnings } = await chat('and now?', true);
    expect(text).toContain('data: [DONE]');
    expect(warnings).toHaveLength(1);
    expect(warnings![0]).toMatch(/^Stream chunk 1 does not match schemas\/chat-completion-chunk\.schema\.json .*\/created is \d+\.\d+/);
  });

  it('a correct answer, plain or streamed, has no warning and prints none', async () => {
    for (const stream of [false, true]) {
      const { warnings, terminal } = await chat('tidy please', stream);
      expect(warnings).toBeUndefined();
      expect(terminal).not.toContain('!');
    }
  });
});
