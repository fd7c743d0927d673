/**
 * Hot reload, rollback, crash restart and manifest re-validation, with a copy of the
 * fixture plugin that each test edits like a developer would.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, isAlive, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
let remove: (() => Promise<void>) | undefined;

afterEach(async () => {
  await t?.host.close();
  await remove?.();
  t = undefined;
});

async function hostOnCopy(options: { watch?: boolean; restartBaseMs?: number } = {}): Promise<{ t: TestHost; dir: string }> {
  const copy = await copyFixture('echo');
  remove = copy.remove;
  t = await startTestHost({ path: copy.dir, watch: options.watch ?? true, restartBaseMs: options.restartBaseMs ?? 200, healthIntervalMs: 1000 });
  await t.host.ready;
  expect(t.host.state()[0]?.state).toBe('healthy');
  return { t, dir: copy.dir };
}

const chat = (host: TestHost, content = 'ping') =>
  host.call('POST', '/v1/chat/completions', { body: { model: 'echo-dev-1', messages: [{ role: 'user', content }] } });

describe('reload', () => {
  it('reloads on a file change with zero downtime: a steady stream of requests, none failed', async () => {
    const { t, dir } = await hostOnCopy();
    // Replies take a little while so some are in flight on the old process at the switch.
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v1', replyDelayMs: 0 }));
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.reason === 'file change' && e.attempt.ok);
    const firstPid = t.host.state()[0]!.pid!;

    let stop = false;
    const statuses: number[] = [];
    const versions = new Set<string>();
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const res = await chat(t);
        statuses.push(res.status);
        const content = (res.json as { choices?: Array<{ message: { content: string } }> }).choices?.[0]?.message.content ?? '';
        versions.add(content.slice(0, 8));
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v2', replyDelayMs: 30 }));
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.time > Date.now() - 100 && t.host.state()[0]!.pid !== firstPid);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(clients);

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(versions).toEqual(new Set(['echo(v1)', 'echo(v2)']));
    await expect.poll(() => isAlive(firstPid), { timeout: 8000 }).toBe(false);
  }, 40_000);

  it('lets a stream in flight at the switch finish on the old process, then stops that process', async () => {
    const { t, dir } = await hostOnCopy();
    // A slow stream: seven words 500 ms apart (3.5 s), so the reload lands in the middle of it
    // even on a slow machine (a reload takes the plugin's start-up plus the 150 ms debounce).
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v1', chunkDelayMs: 500 }));
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.reason === 'file change' && e.attempt.ok);
    const oldPid = t.host.state()[0]!.pid!;

    const response = await fetch(`${t.host.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo-dev-1', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain('echo(v1)');

    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v2' }));
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && t.host.state()[0]!.pid !== oldPid, 10_000);
    // Traffic has switched, the stream is not over, and its process is still there.
    expect((await chat(t)).text).toContain('echo(v2)');
    expect(isAlive(oldPid)).toBe(true);

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain('data: [DONE]');
    const words = text.split('\n\n').filter((block) => block.startsWith('data: {')).map((block) => JSON.parse(block.slice(6)).choices[0].delta.content ?? '');
    expect(words.join('')).toBe('echo(v1): one two three four five');
    // Retired once its last request ended.
    await expect.poll(() => isAlive(oldPid), { timeout: 8000 }).toBe(false);
  }, 40_000);

  it('rolls back when the new version is broken: the old one keeps serving, the failure is shown', async () => {
    const { t, dir } = await hostOnCopy();
    const pid = t.host.state()[0]!.pid!;
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v2', broken: true }));
    const failed = await t.waitFor((e) => e.type === 'attempt' && !e.attempt.ok);
    expect(failed.type === 'attempt' && failed.attempt).toMatchObject({ ok: false, reason: 'file change', step: 'start' });
    expect(failed.type === 'attempt' && failed.attempt.stderrTail).toContain('boom: version v2 is broken on purpose');

    const view = t.host.state()[0]!;
    expect(view.pid).toBe(pid);
    expect(view.state).toBe('healthy');
    expect(view.stateMessage).toContain('still serving the previous version');
    expect(view.lastAttempt?.ok).toBe(false);
    const res = await chat(t, 'still there?');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toContain('echo(v1): still there?');

    // Fixing the file brings the new version in.
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v3' }));
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'file change');
    expect(JSON.stringify((await chat(t, 'hi')).json)).toContain('echo(v3): hi');
  }, 40_000);

  it('re-validates a changed manifest and keeps serving while it is invalid', async () => {
    const { t, dir } = await hostOnCopy();
    const manifestPath = join(dir, 'plugin.yaml');
    const good = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, good.replace('version: 1.0.0', 'version: banana'));
    const diagnostics = await t.waitFor((e) => e.type === 'diagnostics' && e.diagnostics.some((d) => d.severity === 'error'));
    expect(diagnostics.type === 'diagnostics' && diagnostics.diagnostics[0]?.line).toBeGreaterThan(0);
    const failed = await t.waitFor((e) => e.type === 'attempt' && !e.attempt.ok);
    expect(failed.type === 'attempt' && failed.attempt.step).toBe('validate');
    expect((await chat(t)).status).toBe(200);

    await writeFile(manifestPath, good);
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'file change');
    expect(t.host.state()[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  }, 40_000);

  it('says so when a saved manifest adds a required field nobody configured, and keeps serving', async () => {
    const { t, dir } = await hostOnCopy();
    const manifestPath = join(dir, 'plugin.yaml');
    const good = await readFile(manifestPath, 'utf8');
    const before = t.events.length;
    await writeFile(manifestPath, good.replace('  config_schema:\n', '  config_schema:\n    - name: org_id\n      type: string\n      required: true\n      description: Org\n'));
    await t.waitFor((e) => e.type === 'attempt' && !e.attempt.ok && e.attempt.step === 'config');
    // The state line is what the terminal prints for a config failure: without it the save looks ignored.
    const said = t.events.slice(before).find((e) => e.type === 'state' && e.message?.includes('org_id'));
    expect(said?.type === 'state' && said.message).toMatch(/Missing required config: org_id.*Still serving the previous version/);
    expect(t.host.state()[0]!.state).toBe('healthy');
    expect((await chat(t)).status).toBe(200);
  }, 40_000);

  it('says so when the manifest is deleted (a branch switch), and keeps serving', async () => {
    const { t, dir } = await hostOnCopy();
    const before = t.events.length;
    await rm(join(dir, 'plugin.yaml'));
    await t.waitFor((e) => e.type === 'attempt' && !e.attempt.ok && e.attempt.step === 'validate');
    const said = t.events.slice(before).find((e) => e.type === 'state' && e.message !== undefined);
    expect(said?.type === 'state' && said.message).toMatch(/plugin\.yaml does not exist\. Still serving the previous version/);
    expect((await chat(t)).status).toBe(200);
  }, 40_000);

  it('a reload cut short by the host stopping is not reported as a failed attempt', async () => {
    const { t, dir } = await hostOnCopy({ watch: false });
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ startDelayMs: 3000 }));
    const before = t.events.length;
    const attempt = t.host.reload('echo-dev');
    await t.waitFor((e) => e.type === 'state' && e.state === 'reloading');
    await t.host.close();
    expect(await attempt).toMatchObject({ ok: false, error: 'Interrupted.' });
    expect(t.events.slice(before).filter((e) => e.type === 'attempt')).toEqual([]);
  }, 40_000);

  it('says when the previous version ignored SIGTERM and had to be killed', async () => {
    const { t, dir } = await hostOnCopy();
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v1', ignoreTerm: true }));
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'file change');
    const stubborn = t.host.state()[0]!.pid!;
    await writeFile(join(dir, 'behaviour.json'), JSON.stringify({ version: 'v2' }));
    const notice = await t.waitFor((e) => e.type === 'notice' && e.message.includes('SIGTERM'), 15_000);
    expect(notice.type === 'notice' && notice).toMatchObject({ level: 'warning', message: expect.stringContaining(`Process ${stubborn} did not exit within 3 s of SIGTERM and was killed`) });
    expect(isAlive(stubborn)).toBe(false);
  }, 40_000);

  it('does not start a plugin whose manifest is invalid, and starts it once the file is fixed', async () => {
    const copy = await copyFixture('echo');
    remove = copy.remove;
    const manifestPath = join(copy.dir, 'plugin.yaml');
    const good = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, good.replace('provider_type: echo-dev', 'provider_type: Echo Dev!'));
    t = await startTestHost({ path: copy.dir, watch: true });
    await t.host.ready;
    const view = t.host.state()[0]!;
    expect(view.state).toBe('invalid');
    expect(view.pid).toBeUndefined();
    expect(view.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(t.events.some((e) => e.type === 'log')).toBe(false);

    await writeFile(manifestPath, good);
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok);
    expect(t.host.state()[0]!.state).toBe('healthy');
    expect(t.host.state()[0]!.providerType).toBe('echo-dev');
  }, 30_000);

  it('ignores changes in node_modules, .git and editor temp files', async () => {
    const { t, dir } = await hostOnCopy();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'x', 'index.js'), '1');
    await writeFile(join(dir, '.plugin.js.swp'), 'swap');
    await writeFile(join(dir, 'plugin.js~'), 'backup');
    await new Promise((r) => setTimeout(r, 800));
    expect(t.events.filter((e) => e.type === 'attempt' && e.attempt.reason === 'file change')).toEqual([]);
  }, 20_000);
});

describe('crash', () => {
  it('refuses a plugin whose /metadata names another provider_type, as Loom does', async () => {
    // The echo fixture takes its provider_type from PROVIDER_TYPE; the manifest says echo-dev.
    const copy = await copyFixture('echo');
    remove = copy.remove;
    const manifestPath = join(copy.dir, 'plugin.yaml');
    await writeFile(manifestPath, (await readFile(manifestPath, 'utf8')).replace('  PORT: "8090"', '  PORT: "8090"\n  PROVIDER_TYPE: someone-else'));
    t = await startTestHost({ path: copy.dir, watch: false });
    await t.host.ready;
    const view = t.host.state()[0]!;
    expect(view.state).not.toBe('healthy');
    expect(view.lastAttempt).toMatchObject({ ok: false, step: 'metadata' });
    expect(view.lastAttempt?.error).toContain("provider_type 'someone-else' does not match the manifest's 'echo-dev'");
    expect((await chat(t)).status).toBe(503);
  }, 30_000);

  it('restarts a crashed plugin with backoff and shows the crash', async () => {
    const { t } = await hostOnCopy({ watch: false, restartBaseMs: 300 });
    const pid = t.host.state()[0]!.pid!;
    const res = await chat(t, '__crash__');
    expect(res.status).toBe(502);
    const crash = await t.waitFor((e) => e.type === 'crash');
    expect(crash.type === 'crash' && crash).toMatchObject({ code: 1, restartInMs: 300 });
    expect(crash.type === 'crash' && crash.stderrTail).toContain('fatal: asked to crash');
    expect(t.host.state()[0]!.state).toBe('crashed');
    expect((await chat(t)).status).toBe(503);

    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'crash restart');
    const view = t.host.state()[0]!;
    expect(view.state).toBe('healthy');
    expect(view.restarts).toBe(1);
    expect(view.pid).not.toBe(pid);
    expect((await chat(t)).status).toBe(200);

    // A second crash soon after doubles the delay.
    await chat(t, '__crash__');
    const second = await t.waitFor((e) => e.type === 'crash' && e.seq > crash.seq);
    expect(second.type === 'crash' && second.restartInMs).toBe(600);
  }, 30_000);
});
