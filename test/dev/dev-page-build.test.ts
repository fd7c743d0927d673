/// <reference lib="dom" />
/**
 * A failed build on the page, in real headless Chromium: the echo fixture gets a declared
 * `build` (a Node script standing in for a compiler), a save breaks it, and the plugin's
 * panel shows the compiler's output and the hint while the previous version keeps
 * serving; the next good save clears it. A screenshot is kept in test-artifacts/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { copyFixture, startTestHost, type TestHost } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);

// "Compiles" source.txt: a line with `}{` is a syntax error, reported the way compilers do.
const BUILD_SCRIPT = `
import { readFileSync } from 'node:fs';
const lines = readFileSync('source.txt', 'utf8').split('\\n');
const bad = lines.findIndex((line) => line.includes('}{'));
if (bad >= 0) {
  console.error('source.txt:' + (bad + 1) + ':' + (lines[bad].indexOf('}{') + 2) + ": syntax error: unexpected '{'");
  process.exit(1);
}
`;

describe.runIf(runBrowser)('a failed build on the playground page', () => {
  let t: TestHost;
  let browser: Browser;
  let dir: string;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const copy = await copyFixture('echo');
    dir = copy.dir;
    remove = copy.remove;
    await writeFile(join(dir, 'build.mjs'), BUILD_SCRIPT);
    await writeFile(join(dir, 'source.txt'), 'fine\n');
    const manifest = await readFile(join(dir, 'plugin.yaml'), 'utf8');
    await writeFile(join(dir, 'plugin.yaml'), `${manifest}build:\n  command: node\n  args: ["build.mjs"]\n`);
    t = await startTestHost({ path: dir, watch: true, healthIntervalMs: 500 });
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
    await remove?.();
  });

  it('shows the compiler output and the hint, and the old version keeps answering', async () => {
    expect(t.host.state()[0]?.lastAttempt?.buildMs).toBeGreaterThanOrEqual(0);
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
    await page.goto(t.host.pageUrl);
    await page.locator('#plugin-detail h1', { hasText: 'Echo dev plugin' }).waitFor();
    const pid = t.host.state()[0]!.pid;

    await writeFile(join(dir, 'source.txt'), 'fine\nbroken }{ here\n');
    const output = page.locator('.attempt-fail pre.build-output');
    await output.waitFor({ timeout: 20_000 });
    expect(await output.textContent()).toBe("source.txt:2:9: syntax error: unexpected '{'");
    expect(await page.locator('.attempt-fail').textContent()).toContain('failed at build: The build `node build.mjs` failed with exit code 1.');
    expect(await page.locator('.attempt-fail').textContent()).toContain('Hint: Fix what the build printed above');
    expect(t.host.state()[0]!.pid).toBe(pid);
    const chat = await t.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [{ role: 'user', content: 'still here' }] } });
    expect(chat.status).toBe(200);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}playground-build-error.png`, fullPage: true });

    // Fixed: the next save builds, reloads, and the failure box goes away.
    await writeFile(join(dir, 'source.txt'), 'fine\n');
    await page.locator('.attempt-fail').waitFor({ state: 'detached', timeout: 20_000 });
    expect(t.host.state()[0]!.pid).not.toBe(pid);
    await page.close();
  }, 60_000);
});
