/**
 * Build before start with the real Go toolchain, on a scaffold of the Go template: `dev`
 * serves an edit of handlers.go after the reload, a syntax error is a failed reload that
 * carries the compiler's output while the old build keeps answering, and `test` right
 * after an edit tests the edited code. Skipped without `go` locally; CI has it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/core/conformance/run-conformance.js';
import { runCli } from '../helpers/memory-io.js';
import { renderTemplateDir, testValues } from '../templates/render.js';
import { startTestHost, type TestHost } from './helpers.js';

const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasGo && !process.env.CI)('Go plugin: build before start', { timeout: 240_000 }, () => {
  let root: string;
  let dir: string;
  let handlers: string;
  let original: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loom-go-build-'));
    dir = join(root, 'acme-go');
    await renderTemplateDir('go', dir, testValues('acme-go'));
    handlers = join(dir, 'handlers.go');
    original = await readFile(handlers, 'utf8');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const edit = async (from: string, to: string): Promise<void> => {
    const text = await readFile(handlers, 'utf8');
    expect(text).toContain(from);
    await writeFile(handlers, text.replace(from, to));
  };

  describe('dev', () => {
    let t: TestHost;
    beforeAll(async () => {
      // No bin/plugin exists yet: only the build before the first start can make one.
      t = await startTestHost({ path: dir, mockUpstream: true, healthIntervalMs: 200 });
      await t.host.ready;
    }, 200_000);
    afterAll(async () => {
      await t?.host.close();
      await writeFile(handlers, original);
    });

    const lastHealthMessage = (): string | undefined => t.host.state()[0]!.health.at(-1)?.message;
    const chat = () => t.call('POST', '/v1/chat/completions', { body: { model: 'mock-small', messages: [{ role: 'user', content: 'hi' }] } });

    it('builds before the first start and serves the build', async () => {
      const plugin = t.host.state()[0]!;
      expect(plugin.state, plugin.stateMessage).toBe('healthy');
      expect(plugin.lastAttempt?.buildMs).toBeGreaterThan(0);
      await expect.poll(lastHealthMessage, { timeout: 5000 }).toBe('OK');
    });

    it('serves an edit of handlers.go after the reload', async () => {
      const before = t.events.length;
      await edit('message := "OK"', 'message := "OK, edited"');
      const event = await t.waitFor((e) => t.events.indexOf(e) >= before && e.type === 'attempt' && e.attempt.reason === 'file change', 120_000);
      expect(event.type === 'attempt' && event.attempt.ok, JSON.stringify(event)).toBe(true);
      await expect.poll(lastHealthMessage, { timeout: 5000 }).toBe('OK, edited');
      // One reload: writing bin/plugin does not trigger another.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(t.events.slice(before).filter((e) => e.type === 'attempt')).toHaveLength(1);
    });

    it('shows the compiler output of a syntax error while the previous build keeps answering', async () => {
      const servingPid = t.host.state()[0]!.pid;
      const before = t.events.length;
      await edit('message := "OK, edited"', 'message := "OK, edited" +');
      const event = await t.waitFor((e) => t.events.indexOf(e) >= before && e.type === 'attempt' && e.attempt.reason === 'file change', 120_000);
      if (event.type !== 'attempt') throw new Error('unreachable');
      expect(event.attempt.ok).toBe(false);
      expect(event.attempt.step).toBe('build');
      expect(event.attempt.buildOutput).toMatch(/handlers\.go:\d+:\d+: syntax error/);
      expect(event.attempt.hint).toContain('go build -o bin/plugin .');
      // The management API (what the page reads) carries the same output.
      const api = await t.call('GET', '/api/plugins');
      const listed = (api.json as { plugins: Array<{ lastAttempt?: { buildOutput?: string } }> }).plugins[0]!;
      expect(listed.lastAttempt?.buildOutput).toMatch(/syntax error/);
      expect(t.host.state()[0]!.pid).toBe(servingPid);
      // (The state line says so; the next health poll, 200 ms later here, replaces it.)
      expect(t.events.slice(before).some((e) => e.type === 'state' && e.message?.includes('still serving the previous version'))).toBe(true);
      expect((await chat()).status).toBe(200);
      expect(lastHealthMessage()).toBe('OK, edited');
    });
  });

  it('test right after an edit tests the edited code: a zone-less timestamp fails health.schema', async () => {
    await writeFile(handlers, original);
    const good = await runConformance({ dir, env: { ...process.env }, only: ['health.*'] });
    expect(good.results.find((r) => r.id === 'health.schema')?.status).toBe('pass');
    await edit('time.Now().UTC().Format(time.RFC3339)', 'time.Now().UTC().Format("2006-01-02T15:04:05")');
    const bad = await runConformance({ dir, env: { ...process.env }, only: ['health.*'] });
    expect(bad.timings.buildMs).toBeGreaterThan(0);
    expect(bad.results.find((r) => r.id === 'health.schema')?.status).toBe('fail');
  });

  it('test stops with exit 3 and the compiler output on a compile error', async () => {
    await writeFile(handlers, `${original}\nfunc broken( {\n`);
    const result = await runCli(['test', dir, '--only', 'health.*'], { env: { ...process.env } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Error: The build `go build -o bin/plugin .` failed with exit code 1.');
    expect(result.stderr).toMatch(/What `go build -o bin\/plugin \.` printed:\n.*\n\s+\.\/handlers\.go:\d+:\d+: syntax error/);
    expect(result.stderr).toContain('Hint: Fix what the build printed above');
    const json = await runCli(['test', dir, '--only', 'health.*', '--reporter', 'json'], { env: { ...process.env } });
    expect(json.code).toBe(3);
    const document = JSON.parse(json.stdout) as { error: { code: string; details: { buildOutput: string } } };
    expect(document.error.code).toBe('E_BUILD_FAILED');
    expect(document.error.details.buildOutput).toMatch(/syntax error/);
    await writeFile(handlers, original);
  });

  it('dev --no-build starts the old binary but says it is older than the source', async () => {
    // The compile error above left bin/plugin from before the last edits of handlers.go.
    await writeFile(handlers, original);
    const t = await startTestHost({ path: dir, mockUpstream: true, build: false });
    try {
      await t.host.ready;
      const notice = t.events.find((e) => e.type === 'notice');
      expect(notice?.type === 'notice' && notice.message).toBe(
        'bin/plugin is older than handlers.go: it runs code from before that change (run `go build -o bin/plugin .` or drop --no-build).',
      );
      expect(t.host.state()[0]!.lastAttempt?.buildMs).toBeUndefined();
    } finally {
      await t.host.close();
    }
  });
});
