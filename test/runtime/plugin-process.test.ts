import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError, LoomPluginError } from '../../src/core/errors.js';
import { findFreePort, killAllPlugins, startPlugin, type RunningPlugin } from '../../src/core/runtime/plugin-process.js';
import { livePluginGroups } from '../../src/core/runtime/process-registry.js';
import { getJson, hostile, isAlive, waitGone } from './runtime-helpers.js';

const started: RunningPlugin[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop({ cleanup: false, graceMs: 200 })));
});

async function start(name: string, extra: Partial<Parameters<typeof startPlugin>[0]> = {}) {
  const port = await findFreePort();
  const plugin = await startPlugin({ ...hostile(name), port, startupTimeoutMs: 5000, ...extra });
  started.push(plugin);
  return { plugin, port };
}

async function startError(name: string, extra: Partial<Parameters<typeof startPlugin>[0]> = {}): Promise<{ error: LoomPluginError; ms: number }> {
  const port = await findFreePort();
  const t0 = Date.now();
  try {
    const plugin = await startPlugin({ ...hostile(name), port, startupTimeoutMs: 5000, ...extra });
    started.push(plugin);
  } catch (error) {
    return { error: error as LoomPluginError, ms: Date.now() - t0 };
  }
  throw new Error(`${name} started, expected a failure`);
}

describe('startPlugin', () => {
  it('starts a plugin on the given port, rewriting endpoint, env.PORT and --port, with layered env', async () => {
    const { plugin, port } = await start('baseline', { env: { LOOM_CONFIG_API_KEY: 'k1' } });
    expect(plugin.baseUrl).toBe(`http://127.0.0.1:${port}`);
    const info = await getJson(`${plugin.baseUrl}/info`);
    expect(info.pid).toBe(plugin.pid);
    expect(info.env).toMatchObject({ PORT: String(port), FROM_MANIFEST: 'yes', LOOM_CONFIG_API_KEY: 'k1' });
    expect(info.argv).toEqual(['--port', String(port)]);
    expect(plugin.logs.text()).toContain(`listening on 127.0.0.1:${port}`);
    expect(plugin.exitInfo()).toBeUndefined();
  });

  it('resolves a relative command against the manifest folder and rewrites --port=N', async () => {
    const { plugin, port } = await start('relative-command');
    const info = await getJson(`${plugin.baseUrl}/info`);
    expect(info.argv).toEqual([`--port=${port}`]);
    expect(info.port).toBe(port);
  });

  it('stop() posts /cleanup, terminates the group and is idempotent', async () => {
    const { plugin } = await start('cleanup-log');
    const [a, b] = await Promise.all([plugin.stop(), plugin.stop()]);
    expect(a).toEqual(b);
    expect(a.signal ?? a.code).toBeTruthy();
    expect(plugin.logs.text()).toContain('cleanup called');
    expect(isAlive(plugin.pid)).toBe(false);
    expect(livePluginGroups()).not.toContain(plugin.pid);
    expect(await plugin.stop()).toBe(a);
  });

  it('stop({cleanup:false}) does not call /cleanup', async () => {
    const { plugin } = await start('cleanup-log');
    await plugin.stop({ cleanup: false });
    expect(plugin.logs.text()).not.toContain('cleanup called');
  });

  it('reports a plugin that exits at start with E_PLUGIN_START, exit code and stderr tail', async () => {
    const { error, ms } = await startError('crash-at-start');
    expect(error).toBeInstanceOf(LoomPluginError);
    expect(error.code).toBe('E_PLUGIN_START');
    expect(error.message).toContain('exited with code 3');
    expect(error.details?.exitCode).toBe(3);
    expect(String(error.details?.stderrTail)).toContain('cannot load provider SDK');
    expect(ms).toBeLessThan(4000); // far below the 5 s start-up timeout: exit ends the wait
  });

  it('reports a missing command with E_PLUGIN_START', async () => {
    const { manifest, manifestDir } = hostile('baseline');
    const error = await startPlugin({ manifest: { ...manifest, command: 'loom-no-such-command-xyz' }, manifestDir, startupTimeoutMs: 1000 }).catch((e) => e);
    expect(error.code).toBe('E_PLUGIN_START');
    expect(error.message).toContain('loom-no-such-command-xyz is not on PATH');
    expect(error.details.diagnosis).toBe('command-not-on-path');
  });

  it('refuses a manifest without command with E_CONFIG and an --endpoint hint', async () => {
    const { manifest, manifestDir } = hostile('baseline');
    const { command: _c, ...rest } = manifest;
    const error = await startPlugin({ manifest: rest, manifestDir, startupTimeoutMs: 1000 }).catch((e) => e);
    expect(error.code).toBe('E_CONFIG');
    expect(error.hint).toContain('--endpoint');
    // Not "plugin.yaml": a plugin may have only the plugin.json the host reads.
    expect(error.hint).toContain('to the manifest (plugin.yaml or plugin.json)');
  });

  it('times out a plugin whose /health never answers, kills it, within the bound', async () => {
    const { error, ms } = await startError('never-healthy', { startupTimeoutMs: 2000 });
    expect(error.code).toBe('E_PLUGIN_NOT_READY');
    expect(error.hint).toContain('never answered');
    expect(ms).toBeGreaterThanOrEqual(1950);
    expect(ms).toBeLessThan(4500);
    expect(livePluginGroups()).toEqual([]);
  });

  it('a plugin listening only on ::1 is not ready, with a hint naming ::1', async () => {
    // Long enough for node to start listening even on a busy machine.
    const { error, ms } = await startError('ipv6-only', { startupTimeoutMs: 2500 });
    expect(error.code).toBe('E_PLUGIN_NOT_READY');
    expect(ms).toBeLessThan(5000);
    expect(error.hint).toContain('::1');
    expect(livePluginGroups()).toEqual([]);
  });

  it('a plugin that ignores PORT and binds the endpoint\'s own port is named as such, without waiting out the timeout', async () => {
    const { error, ms } = await startError('fixed-port', { startupTimeoutMs: 20_000 });
    expect(error.code).toBe('E_PLUGIN_NOT_READY');
    expect(error.message).toMatch(/answers GET \/health on http:\/\/127\.0\.0\.1:19431, the endpoint's own port, not on port \d+, which loom-plugin gave it in PORT: it does not read PORT/);
    expect(error.hint).toContain('--endpoint http://127.0.0.1:19431');
    expect(ms).toBeLessThan(10_000);
    expect(livePluginGroups()).toEqual([]);
  });

  it('aborting during start-up kills the plugin and throws InterruptedError', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { error, ms } = await startError('never-healthy', { signal: controller.signal, startupTimeoutMs: 10_000 });
    expect(error).toBeInstanceOf(InterruptedError);
    expect(ms).toBeLessThan(3000);
    expect(livePluginGroups()).toEqual([]);
  });

  it('SIGKILLs a plugin that ignores SIGTERM after the grace period', async () => {
    const { plugin } = await start('ignore-sigterm');
    const t0 = Date.now();
    const info = await plugin.stop({ cleanup: false, graceMs: 400 });
    const ms = Date.now() - t0;
    expect(info.signal).toBe('SIGKILL');
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(4000);
    expect(plugin.logs.text()).toContain('ignoring SIGTERM');
  });

  it('kills a grandchild that would outlive the plugin', async () => {
    const { plugin } = await start('grandchild');
    const { grandchildPid } = await getJson(`${plugin.baseUrl}/info`);
    expect(typeof grandchildPid).toBe('number');
    expect(isAlive(grandchildPid)).toBe(true);
    await plugin.stop({ graceMs: 300 });
    expect(await waitGone(grandchildPid)).toBe(true);
  });

  it('keeps a plugin that floods stdout/stderr responsive, with a bounded log buffer', async () => {
    const { plugin } = await start('log-flood', { logLimitBytes: 64 * 1024 });
    for (let i = 0; i < 5; i += 1) {
      const t0 = Date.now();
      const res = await fetch(`${plugin.baseUrl}/health`);
      expect(res.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(3000);
      await new Promise((r) => setTimeout(r, 100));
    }
    const held = plugin.logs.lines().reduce((n, l) => n + l.text.length + 1, 0);
    expect(held).toBeLessThanOrEqual(64 * 1024);
    expect(plugin.logs.dropped).toBeGreaterThan(0);
    expect(plugin.exitInfo()).toBeUndefined();
  });

  it('resolves exited and calls onExit when the plugin dies on its own', async () => {
    let seen: unknown;
    const { plugin } = await start('baseline', { onExit: (info) => (seen = info) });
    process.kill(plugin.pid, 'SIGKILL');
    const info = await plugin.exited;
    expect(info.signal).toBe('SIGKILL');
    expect(seen).toEqual(info);
    expect(plugin.exitInfo()).toEqual(info);
    expect(livePluginGroups()).not.toContain(plugin.pid);
  });

  it('killAllPlugins() kills every live group', async () => {
    const { plugin: a } = await start('baseline');
    const { plugin: b } = await start('baseline');
    expect(killAllPlugins()).toBe(2);
    await Promise.all([a.exited, b.exited]);
    expect(isAlive(a.pid) || isAlive(b.pid)).toBe(false);
  });
});

describe('port conflicts', () => {
  it('refuses to start when something already listens on the endpoint (E_PORT_IN_USE)', async () => {
    const net = await import('node:net');
    const blocker = net.createServer();
    const port = await findFreePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const error = await startPlugin({ ...hostile('baseline'), port, startupTimeoutMs: 2000 }).catch((e) => e);
      expect(error.code).toBe('E_PORT_IN_USE');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(livePluginGroups()).toEqual([]);
    } finally {
      blocker.close();
    }
  });
});

describe('findFreePort', () => {
  it('returns a bindable port', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(1023);
  });
});
