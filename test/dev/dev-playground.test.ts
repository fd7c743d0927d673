/// <reference lib="dom" />
/**
 * The playground driving a plugin in real Chromium: each of the six hand-call panels, the
 * /initialize form generated from config_schema (sensitive field masked and kept), a
 * conformance run streamed into the page while the serving instance keeps serving, and
 * a key the plugin echoes in an error body, masked in the chat box. The plugin is the
 * stdlib Python fixture, configured with a key that holds a quote and a backslash.
 * Screenshots go to test-artifacts/ (and to docs/images/ with UPDATE_DOCS_IMAGES=1).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { FIXTURES, startTestHost, type TestHost } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DOC_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runBrowser) console.warn(`Skipping the playground panel tests: ${CHROMIUM} is absent (CI always runs them).`);

const SECRET = 'sk-pl"ay\\ground-5150';
const SECRET_FORMS = [SECRET, JSON.stringify(SECRET).slice(1, -1), 'ay\\ground', 'ay\\\\ground'];

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}`, fullPage: true });
  if (process.env.UPDATE_DOCS_IMAGES) await copyFile(`${ARTIFACTS}${name}`, `${DOC_IMAGES}${name}`);
}

describe.runIf(runBrowser)('playground panels in Chromium', () => {
  let t: TestHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestHost({
      path: `${FIXTURES}parrot-py`,
      watch: false,
      healthIntervalMs: 600_000,
      env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: SECRET },
    });
    await t.host.ready;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, deviceScaleFactor: 1 });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(t.host.pageUrl);
    await page.locator('#plugin-detail h1', { hasText: 'Parrot' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.host.close();
  });

  async function send(endpoint: string): Promise<{ status: string; body: string; sent: string | null; time: string }> {
    await page.click(`#call-tabs [data-endpoint="${endpoint}"]`);
    await page.locator('#call-result').evaluate((node) => (node.textContent = ''));
    await page.click('#call-send');
    await page.locator('#call-status').waitFor();
    const sent = page.locator('#call-sent');
    return {
      status: (await page.locator('#call-status').textContent()) ?? '',
      body: (await page.locator('#call-body').textContent()) ?? '',
      sent: (await sent.count()) ? await sent.textContent() : null,
      time: (await page.locator('#call-time').textContent()) ?? '',
    };
  }

  it('calls /health, /metadata, /models, /cleanup and /chat/completions by hand, with status and timing', async () => {
    const health = await send('health');
    expect(health.status).toBe('200');
    expect(health.time).toMatch(/^ in \d+(\.\d)? ms$/);
    expect(JSON.parse(health.body)).toMatchObject({ healthy: true, message: 'squawk' });
    expect(health.sent).toBeNull();

    expect(JSON.parse((await send('metadata')).body)).toMatchObject({ name: 'Parrot', provider_type: 'parrot' });
    expect(JSON.parse((await send('models')).body)).toEqual([expect.objectContaining({ id: 'parrot-small' })]);

    // The chat panel speaks the Loom wire format, straight to the plugin.
    await page.click('#call-tabs [data-endpoint="chat"]');
    await page.fill('#call-chat-body', JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }));
    await page.click('#call-send');
    await page.locator('#call-status', { hasText: '404' }).waitFor();
    expect(JSON.parse((await page.locator('#call-body').textContent()) ?? '')).toEqual({
      code: 'model_not_found',
      message: "parrot knows no model 'nope'; it only has parrot-small",
      transient: false,
    });
    await page.fill('#call-chat-body', JSON.stringify({ model: 'parrot-small', messages: [{ role: 'user', content: 'by hand' }] }));
    await page.click('#call-send');
    await page.locator('#call-status', { hasText: '200' }).waitFor();
    expect(await page.locator('#call-body').textContent()).toContain('parrot says: by hand');

    const cleanup = await send('cleanup');
    expect(cleanup.status).toBe('200');
    expect(JSON.parse(cleanup.body)).toEqual({});
    // Sent with no body, as the host sends it.
    expect(cleanup.sent).toBeNull();
  }, 30_000);

  it('generates the /initialize form from config_schema, masks the sensitive field and keeps its value', async () => {
    await page.click('#call-tabs [data-endpoint="initialize"]');
    const form = page.locator('#initialize-form');
    expect(await form.locator('#cfg-api_key').getAttribute('type')).toBe('password');
    expect(await form.locator('#cfg-api_key').inputValue()).toBe('');
    expect(await form.locator('#cfg-api_key').getAttribute('placeholder')).toBe('unchanged (set from env)');
    expect(await form.locator('#cfg-temperature_bias').getAttribute('type')).toBe('number');
    expect(await form.locator('#cfg-temperature_bias').inputValue()).toBe('0.5');
    expect(await form.locator('#cfg-verbose').getAttribute('type')).toBe('checkbox');
    expect(await form.locator('#cfg-voice option').allTextContents()).toEqual(['squawk', 'whistle']);

    await form.locator('#cfg-voice').selectOption('whistle');
    await form.locator('#cfg-temperature_bias').fill('0.9');
    await page.click('#call-send');
    await page.locator('#call-status', { hasText: '200' }).waitFor();
    // The blank key was filled in by the host with the resolved value, shown masked.
    expect(JSON.parse((await page.locator('#call-sent').textContent()) ?? '')).toEqual({ api_key: '***', temperature_bias: 0.9, verbose: false, voice: 'whistle' });
    await screenshot(page, 'playground-endpoints.png');

    // The plugin really holds the key again: it echoes it (masked) in an error.
    await page.click('#call-tabs [data-endpoint="chat"]');
    await page.fill('#call-chat-body', JSON.stringify({ model: 'parrot-small', messages: [{ role: 'user', content: 'leak' }] }));
    await page.click('#call-send');
    await page.locator('#call-status', { hasText: '500' }).waitFor();
    expect(await page.locator('#call-body').textContent()).toContain('upstream refused key ***');
  }, 30_000);

  it('shows an error body that echoes the key masked in the chat box, quotes and backslash included', async () => {
    await page.selectOption('#model-select', 'parrot-small');
    await page.uncheck('#stream-toggle');
    await page.fill('#chat-input', 'please leak');
    await page.click('#chat-send');
    const error = page.locator('.msg.error');
    await error.waitFor();
    expect(await error.textContent()).toBe('HTTP 500 · internal_error\nupstream refused key ***');
    // And the inspector agrees.
    await expect.poll(() => page.locator('#request-detail pre.response-body').textContent()).toContain('upstream refused key ***');
    const html = await page.content();
    for (const form of SECRET_FORMS) expect(html).not.toContain(form);

    // An error event inside a stream ends the reply with the error, as an SDK raises it.
    await page.check('#stream-toggle');
    await page.fill('#chat-input', 'fail midway');
    await page.click('#chat-send');
    await page.locator('.msg.error', { hasText: 'provider_unavailable' }).waitFor();
    expect(await page.locator('.msg.error').last().textContent()).toBe('Error in the stream · provider_unavailable\nthe upstream dropped the stream after one word');
  }, 30_000);

  it('runs conformance from the page against a second instance while the serving one keeps serving', async () => {
    const before = t.host.state()[0]!;
    await page.click('#conformance-run');
    await page.locator('#conformance-run', { hasText: 'Stop' }).waitFor();
    // Results stream in: the first rows are on the page before the run is over.
    await page.locator('.check-row').first().waitFor();
    const midway = await page.locator('#conformance-status').textContent();
    // The chat user is not disturbed: /v1 answers from the same process meanwhile.
    const chat = await t.call('POST', '/v1/chat/completions', { body: { model: 'parrot-small', messages: [{ role: 'user', content: 'still there?' }] } });
    expect(chat.status).toBe(200);
    await page.locator('#conformance-run', { hasText: 'Run conformance' }).waitFor({ timeout: 60_000 });
    const status = (await page.locator('#conformance-status').textContent()) ?? '';
    const match = /^(PASS|FAIL) · (\d+) passed, (\d+) failed, (\d+) skipped/.exec(status);
    expect(match, `${status} (midway: ${midway})`).not.toBeNull();
    const [, , passed, failed, skipped] = match!.map(Number);
    expect(await page.locator('.check-row').count()).toBe(passed! + failed! + skipped!);
    expect(passed).toBeGreaterThan(10);
    expect(await page.locator('.check-row.pass').count()).toBe(passed);
    const after = t.host.state()[0]!;
    expect(after.pid).toBe(before.pid);
    expect(after.generation).toBe(before.generation);
    const html = await page.content();
    for (const form of SECRET_FORMS) expect(html).not.toContain(form);
    await screenshot(page, 'playground-conformance.png');
  }, 90_000);

  it('counts health checks in words that agree with the number', async () => {
    const caption = (await page.locator('#health-caption').textContent()) ?? '';
    const match = /^Health \((\d+) (checks?), every 600 s\)$/.exec(caption);
    expect(match, caption).not.toBeNull();
    expect(match![2]).toBe(match![1] === '1' ? 'check' : 'checks');
    // The one failed load the browser reports is the 500 the 'leak' chat asked for.
    expect(consoleErrors.filter((message) => !message.includes('status of 500'))).toEqual([]);
  });
});
