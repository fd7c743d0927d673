/**
 * No secret leaves `dev`, on any surface: the terminal, the page, every /api route, the
 * plugin logs, the event stream and the request log. The leaky fixture (Python, standard
 * library) repeats its config in its logs (also as json.dumps escapes it), health
 * message, model names, replies and error bodies. The secrets are the awkward kind: a
 * key with a quote, a backslash and non-ASCII, a token that reads `true`, a pin of 12,
 * next to a bool switch named like a key (`use_api_key: true`, which once crashed dev).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo, type MemoryIo } from '../helpers/memory-io.js';
import { copyFixture, waitUntil } from './helpers.js';

const KEY = 'sk-"quo\\ted"-clé-4242';
const ORG = 'true';
const PIN = '12';
/** A key typed into the playground's /initialize form: a secret too, though the host never resolved it. */
const TYPED = 'sk-typed-in-the-form-7788';
const ENV = { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: KEY, LOOM_CONFIG_ORG_TOKEN: ORG, LOOM_CONFIG_PIN: PIN };

/** Every way the strong key can be written in text, and the fixture's markers for the weak ones. */
const KEY_FORMS = [KEY, JSON.stringify(KEY).slice(1, -1), 'cl\\u00e9-4242', encodeURIComponent(KEY)];
function expectNoSecret(text: string, surface: string): void {
  for (const form of KEY_FORMS) expect(text, `${surface} shows the key as ${form}`).not.toContain(form);
  expect(text, `${surface} shows the key typed in the form`).not.toContain(TYPED);
  // The fixture writes each value in brackets: org=[true] pin=[12].
  expect(text, surface).not.toMatch(/org=\[true\]|pin=\[12\]|"org_token": "true"|"pin": 12\b|ORG_TOKEN": "true"|PIN": "12"/);
}

interface Running {
  io: MemoryIo;
  url: string;
  token: string;
  done: Promise<number>;
  remove: () => Promise<void>;
}

async function startDev(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const fixture = await copyFixture('leaky');
  const io = memoryIo({ env });
  const done = main(['dev', fixture.dir, '--port', '0', '--no-open', '--no-watch', ...args], io);
  await waitUntil(() => /token=/.test(io.stdout.text), 15_000);
  const page = /(http:\/\/127\.0\.0\.1:\d+)\/[?#]token=([\w-]+)/.exec(io.stdout.text);
  if (!page) throw new Error(`no URL in ${io.stdout.text}`);
  return { io, url: page[1]!, token: page[2]!, done, remove: fixture.remove };
}

async function call(run: Running, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${run.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${run.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** The SSE stream for a moment: its backlog holds the story so far. */
async function readEvents(run: Running, ms = 700): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${run.url}/api/events`, { headers: { authorization: `Bearer ${run.token}` }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // Aborted on purpose.
  } finally {
    clearTimeout(timer);
  }
  return text;
}

async function stop(run: Running): Promise<void> {
  run.io.controller.abort();
  await run.done.catch(() => undefined);
  await run.remove();
}

describe('dev with a plugin that leaks awkward secrets', () => {
  let run: Running;
  const surfaces: Record<string, string> = {};

  beforeAll(async () => {
    run = await startDev([], ENV);
    await waitUntil(async () => (await call(run, 'GET', '/api/plugins')).text.includes('"healthy"'), 20_000, 100);
    // Through the door (the client's own answers are the plugin's; what the host records is checked):
    // a reply that echoes the key, an error body that does, a model the client made up.
    // max_tokens 12 and a true flag equal the pin and the org token: the logged body must stay JSON.
    await call(run, 'POST', '/v1/chat/completions', { model: 'leaky-1', messages: [{ role: 'user', content: `mine is ${KEY}` }], max_tokens: 12, logprobs: true });
    await call(run, 'POST', '/v1/chat/completions', { model: 'leaky-1', messages: [{ role: 'user', content: 'fail' }] });
    await call(run, 'POST', '/v1/chat/completions', { model: KEY, messages: [{ role: 'user', content: 'hi' }] });
    // Two health samples with the leaky message.
    await new Promise((r) => setTimeout(r, 1200));
    for (const path of ['/api/info', '/api/plugins', '/api/plugins/leaky-dev', '/api/plugins/leaky-dev/logs', '/api/requests']) surfaces[path] = (await call(run, 'GET', path)).text;
    surfaces['/api/plugins/leaky-dev/reload'] = (await call(run, 'POST', '/api/plugins/leaky-dev/reload')).text;
    // Hand calls: /initialize with the sensitive fields left blank (the host fills them in), and the rest.
    const hand = (endpoint: string, body?: unknown) => call(run, 'POST', '/api/plugins/leaky-dev/call', { endpoint, ...(body === undefined ? {} : { body }) });
    surfaces['/api/plugins/leaky-dev/call'] = [
      (await hand('initialize', { api_key: '', org_token: '', pin: '' })).text,
      (await hand('health')).text,
      (await hand('models')).text,
      (await hand('chat', { model: 'leaky-1', messages: [{ role: 'user', content: 'fail' }] })).text,
      // A key typed in the form: the plugin echoes it in its logs, health and replies from now on.
      (await hand('initialize', { api_key: TYPED, org_token: '', pin: '' })).text,
      (await hand('chat', { model: 'leaky-1', messages: [{ role: 'user', content: 'fail' }] })).text,
    ].join('\n');
    // The suite on a second instance (about 2 s), streamed as NDJSON.
    surfaces['/api/plugins/leaky-dev/conformance'] = (await call(run, 'POST', '/api/plugins/leaky-dev/conformance')).text;
    surfaces['/api/events'] = await readEvents(run);
    surfaces.page = await (await fetch(`${run.url}/`)).text();
    await stop(run);
    surfaces['terminal stdout'] = run.io.stdout.text;
    surfaces['terminal stderr'] = run.io.stderr.text;
  }, 60_000);
  afterAll(() => stop(run));

  it('stays up (the bool switch and the literal-looking secrets no longer crash it)', () => {
    expect(surfaces['/api/plugins']).toContain('"healthy"');
    expect(surfaces['terminal stderr']).not.toMatch(/Internal error|SyntaxError|at JSON\.parse/);
  });

  it('the fixture really leaked: masked markers reach the logs and the door', () => {
    expect(surfaces['/api/plugins/leaky-dev/logs']).toContain('initialized key=[***] org=[***] pin=[***]');
    expect(surfaces['/api/requests']).toContain('upstream refused key=[***] org=[***] pin=[***]');
    expect(surfaces['/api/requests']).toContain('you said mine is ***; I use key=[***]');
    expect(surfaces['terminal stdout']).toContain('initialized key=[***] org=[***] pin=[***]');
    // The hand-called /initialize carried the host's values (filled in for the blank form), masked.
    expect(surfaces['/api/plugins/leaky-dev/call']).toMatch(/\\"api_key\\":\\"\*\*\*\\"/);
    expect(surfaces['/api/plugins/leaky-dev/call']).toContain('upstream refused key=[***]');
    expect(surfaces['/api/plugins/leaky-dev/conformance']).toContain('"type":"result"');
  });

  const names = ['/api/plugins/leaky-dev/call', '/api/plugins/leaky-dev/conformance', '/api/info', '/api/plugins', '/api/plugins/leaky-dev', '/api/plugins/leaky-dev/logs', '/api/requests', '/api/plugins/leaky-dev/reload', '/api/events', 'page', 'terminal stdout', 'terminal stderr'];
  it.each(names)('%s shows no secret', (name) => {
    const text = surfaces[name];
    expect(text, name).toBeDefined();
    expectNoSecret(text!, name);
  });

  // Hand calls are joined one per line; the conformance run is NDJSON.
  it.each(names.filter((name) => name.startsWith('/api/') && name !== '/api/events'))('%s is still valid JSON', (name) => {
    const documents = surfaces[name]!.split('\n').filter((line) => line.trim() !== '');
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) expect(() => JSON.parse(document)).not.toThrow();
  });

  it('request and response bodies in the request log stay valid JSON', () => {
    const { requests } = JSON.parse(surfaces['/api/requests']!) as { requests: Array<{ requestBody: string; responseBody: string; curl: string }> };
    expect(requests.length).toBe(3);
    for (const entry of requests) {
      for (const body of [entry.requestBody, entry.responseBody]) if (body.startsWith('{')) expect(() => JSON.parse(body), body).not.toThrow();
    }
    expect(requests[0]!.requestBody).toContain('"max_tokens":"***"');
  });

  it('every event on the stream is valid JSON', () => {
    const data = surfaces['/api/events']!.split('\n').filter((line) => line.startsWith('data: '));
    expect(data.length).toBeGreaterThan(3);
    for (const line of data) expect(() => JSON.parse(line.slice(6))).not.toThrow();
  });
});

describe('dev with a wrong-typed sensitive value', () => {
  it.each([
    ['a list in --config', (dir: string) => ['--config', join(dir, 'bad.yaml')], `api_key: [${JSON.stringify(KEY)}]\norg_token: x\npin: 1\n`, {}],
    ['a JSON syntax error in --config', (dir: string) => ['--config', join(dir, 'bad.json')], `{"api_key": ${JSON.stringify(KEY)} "pin": 1}`, {}],
    ['a sensitive pin that is not an integer', () => [], '', { LOOM_CONFIG_PIN: `${KEY}` }],
  ] as const)('%s: the terminal and /api/plugins name the field, not the value', async (_name, args, fileText, env) => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-dev-leak-'));
    try {
      if (fileText) await writeFile(join(dir, args(dir)[1]!.endsWith('.json') ? 'bad.json' : 'bad.yaml'), fileText);
      const running = await startDev([...args(dir)], { ...ENV, ...env });
      let plugins = '';
      try {
        await waitUntil(async () => /"(failed|waiting-config)"/.test((plugins = (await call(running, 'GET', '/api/plugins')).text)), 15_000, 100);
      } finally {
        await stop(running);
      }
      expect(plugins).toMatch(/api_key|LOOM_CONFIG_PIN|line \d+, column \d+/);
      expectNoSecret(plugins, '/api/plugins');
      expectNoSecret(running.io.stdout.text + running.io.stderr.text, 'terminal');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
