/// <reference lib="dom" />
/**
 * The playground in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): it loads with the token from the URL and hides it, shows the plugin,
 * streams a chat into view, and shows the request in the inspector. A screenshot is kept
 * in test-artifacts/ for people to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { FIXTURES, SECRET, startTestHost, type TestHost } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const available = existsSync(CHROMIUM);
// In CI the browser is installed by .ci/run: a missing one must fail there, not skip.
const runBrowser = available || Boolean(process.env.CI);
if (!runBrowser) console.warn(`Skipping the playground browser test: ${CHROMIUM} is absent (install Debian's chromium; CI always runs it).`);

describe.runIf(runBrowser)('playground page in Chromium', () => {
  let t: TestHost;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestHost({ path: `${FIXTURES}echo`, watch: false, healthIntervalMs: 250, mockUpstream: false });
    await t.host.ready;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.host.close();
  });

  it('loads with the token, shows the plugin, streams a chat and inspects the request', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(t.host.pageUrl);

    // The token left the address bar (kept in sessionStorage for this tab only).
    await expect.poll(() => page.url()).not.toContain('token');
    expect(await page.evaluate(() => sessionStorage.getItem('loomDevToken'))).toBe(t.host.token);

    // Plugin list, metadata, capabilities and the live connection.
    await page.locator('.plugin-item', { hasText: 'Echo dev plugin' }).waitFor();
    await page.locator('#plugin-detail h1', { hasText: 'Echo dev plugin' }).waitFor();
    expect(await page.locator('#plugin-detail .pill').textContent()).toBe('healthy');
    expect(await page.locator('.chip.on').allTextContents()).toContain('✓ streaming');
    await page.locator('#conn-text', { hasText: 'live' }).waitFor();
    await expect.poll(() => page.locator('.timeline span').count(), { timeout: 5000 }).toBeGreaterThan(2);
    await expect.poll(() => page.locator('#log-view').textContent()).toContain('initialized with key *** (v1)');

    // Chat, streamed: the reply grows in place before it is complete.
    await expect.poll(() => page.locator('#model-select option').count()).toBeGreaterThan(0);
    await page.selectOption('#model-select', 'echo-dev-1');
    await page.fill('#chat-input', 'hello from a real browser, word by word');
    const partial = page.waitForFunction(() => {
      const bubble = document.querySelector('.msg.assistant.streaming');
      const text = bubble?.textContent ?? '';
      return text.startsWith('echo(v1)') && !text.endsWith('word by word') ? text : false;
    });
    await page.click('#chat-send');
    expect(String(await (await partial).jsonValue())).toMatch(/^echo\(v1\)/);
    await page.locator('.msg.assistant:not(.streaming)', { hasText: 'echo(v1): hello from a real browser, word by word' }).waitFor();

    // A second, non-streamed message for a fuller conversation in the screenshot.
    await page.uncheck('#stream-toggle');
    await page.fill('#chat-input', 'and once more without streaming');
    await page.keyboard.press('Enter').catch(() => undefined);
    await page.click('#chat-send').catch(() => undefined);
    await page.locator('.msg.assistant', { hasText: 'echo(v1): and once more without streaming' }).first().waitFor();

    // The inspector shows the request: method, path, status, timing, bodies, curl line.
    await page.locator('.req', { hasText: '/v1/chat/completions' }).first().waitFor();
    await page.locator('.req', { hasText: '(stream)' }).click();
    const detail = page.locator('#request-detail');
    await expect.poll(() => detail.textContent()).toContain('POST /v1/chat/completions → 200');
    expect(await detail.locator('pre.curl').textContent()).toMatch(/^curl -sS -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions' -H "Authorization: Bearer \$LOOM_DEV_TOKEN"/);
    expect(await detail.locator('pre.response-body').textContent()).toContain('data: [DONE]');

    // The Reload button loads a new process (generation 2) without leaving the page.
    await page.click('#reload-button');
    await page.locator('#plugin-detail .facts', { hasText: 'generation 2' }).waitFor({ timeout: 15_000 });
    await page.locator('#plugin-detail .pill', { hasText: 'healthy' }).waitFor();

    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain(t.host.token);
    expect(consoleErrors).toEqual([]);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}playground.png`, fullPage: true });
    await page.close();
  }, 60_000);

  it('asks for the token when opened without one', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.host.url}/`);
    await page.locator('#token-panel', { hasText: 'Token needed' }).waitFor();
    expect(await page.locator('#app').isHidden()).toBe(true);
    await page.fill('#token-input', t.host.token);
    await page.click('#token-form button');
    await page.locator('.plugin-item', { hasText: 'Echo dev plugin' }).waitFor();
    await page.close();
  }, 30_000);
});
