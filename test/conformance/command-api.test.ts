/**
 * runConformance as a library: events in order, abort semantics, the package entry.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError, runConformance, type ConformanceEvent } from '../../src/index.js';
import { REFERENCE_DIR, pidAlive, removeTempPlugins, tempPlugin } from './command-helpers.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-api-'));
});
afterAll(async () => {
  await removeTempPlugins();
  await rm(work, { recursive: true, force: true });
});

describe('runConformance', () => {
  it('reports phases, the plan, and one check-start + result per selected check, in order', async () => {
    const events: ConformanceEvent[] = [];
    const report = await runConformance({ dir: REFERENCE_DIR, env: {}, only: ['lifecycle.initialize', 'health.*'], onEvent: (event) => events.push(event) });
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.id)).toEqual(['lifecycle.initialize', 'health.schema', 'health.healthy']);
    const kinds = events.map((event) => (event.type === 'phase' ? `phase:${event.phase}` : event.type === 'result' || event.type === 'check-start' ? `${event.type}:${'result' in event ? event.result.id : event.check.id}` : event.type));
    expect(kinds).toEqual([
      'phase:manifest', 'phase:config', 'phase:mock', 'phase:start', 'plan', 'phase:checks',
      'check-start:lifecycle.initialize', 'result:lifecycle.initialize',
      'check-start:health.schema', 'result:health.schema',
      'check-start:health.healthy', 'result:health.healthy',
      'phase:stop',
    ]);
    expect(report.summary).toMatchObject({ passed: 3, failed: 0 });
    expect(report.timings.checksMs).toBeGreaterThan(0);
  }, 30_000);

  it('on abort mid-run it stops the plugin, then throws InterruptedError', async () => {
    const pidFile = join(work, 'abort.pid');
    const dir = await tempPlugin({ env: { PID_FILE: pidFile } });
    const controller = new AbortController();
    const run = runConformance({
      dir,
      env: {},
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'result' && event.result.id === 'lifecycle.initialize') controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pidAlive(pid)).toBe(false);
  }, 30_000);

  it('on abort while waiting for /health it stops the plugin without reporting that as a plugin exit', async () => {
    const pidFile = join(work, 'startup.pid');
    // Starts, writes its pid, never listens: the run is waiting for /health.
    const wrapper = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetInterval(() => {}, 1000);\n`;
    const dir = await tempPlugin({ wrapper });
    const controller = new AbortController();
    const events: ConformanceEvent[] = [];
    const run = runConformance({ dir, env: {}, signal: controller.signal, startupTimeoutMs: 20_000, onEvent: (event) => events.push(event) });
    let pid = 0;
    for (let i = 0; i < 200 && !pid; i += 1) {
      await new Promise((done) => setTimeout(done, 50));
      pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
    }
    expect(pid).toBeGreaterThan(0);
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(pidAlive(pid)).toBe(false);
    // The user stopped it: the human report must not print "the plugin exited (signal SIGKILL)".
    expect(events.filter((event) => event.type === 'plugin-exit')).toEqual([]);
  }, 30_000);

  it('an aborted signal before the start starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runConformance({ dir: REFERENCE_DIR, env: {}, signal: controller.signal })).rejects.toBeInstanceOf(InterruptedError);
  });
});
