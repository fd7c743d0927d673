/**
 * Plugins written by strangers (test/fixtures/plugins/strangers/, listed with their
 * verdicts in strangers.mjs), judged as the shipped Loom host judges them: each breaks
 * at most one host rule and must fail exactly that check by default, with a message that
 * says what the host will do, and pass under --profile guide (where the rule is a note).
 * The Go fixtures compile with `go run`: the first run in a cold Go cache takes a while.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRANGERS, type Stranger } from '../fixtures/plugins/strangers.mjs';
import { PLUGINS_DIR } from '../fixtures/plugins/run-fixture.js';
import { runCli } from '../helpers/memory-io.js';

interface JsonReport {
  ok: boolean;
  profile: string;
  notes?: string[];
  results: Array<{ id: string; status: string; message?: string; blockedBy?: string }>;
}

async function judge(stranger: Stranger, profile: 'loom-host' | 'guide') {
  const dir = join(PLUGINS_DIR, 'strangers', stranger.name);
  const run = await runCli(
    ['test', dir, '--profile', profile, '--upstream-field', stranger.upstreamField, '--startup-timeout', '180s', '--reporter', 'json'],
    { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, GOCACHE: process.env.GOCACHE, GOPATH: process.env.GOPATH, GOFLAGS: process.env.GOFLAGS } },
  );
  expect(run.stderr, `${stranger.name} (${profile}) could not run`).toBe('');
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport };
}

describe.concurrent('stranger plugins, judged as the shipped host judges them', () => {
  it.each(STRANGERS.map((stranger) => [stranger.name, stranger] as const))('%s', async (_name, stranger) => {
    const host = await judge(stranger, 'loom-host');
    expect(host.report.profile).toBe('loom-host');
    const failed = host.report.results.filter((result) => result.status === 'fail');
    expect(failed.map((result) => result.id), `${stranger.name}: ${stranger.what}`).toEqual(stranger.breaks);
    expect(host.code).toBe(stranger.breaks.length > 0 ? 1 : 0);
    for (const result of failed) expect(result.message).toMatch(stranger.says ?? /^$/);
    for (const id of stranger.passes ?? []) {
      const result = host.report.results.find((r) => r.id === id);
      expect(result?.status, `${stranger.name}: ${id} ${result?.message ?? ''}`).toBe('pass');
    }
    // Whatever is not run is blocked by the one root cause, never by something else.
    for (const result of host.report.results.filter((r) => r.status === 'blocked')) expect(stranger.breaks).toContain(result.blockedBy);

    const guide = await judge(stranger, 'guide');
    expect(guide.report.profile).toBe('guide');
    expect(guide.code, `${stranger.name} under --profile guide`).toBe(stranger.guidePasses ? 0 : 1);
    const hostRules = stranger.breaks.filter((id) => id.includes('/') || id === 'host.load-sequence');
    if (stranger.guidePasses && hostRules.some((id) => id.includes('/'))) {
      // The host rule is still said, as a note, in the same words.
      expect(guide.report.notes?.join('\n')).toMatch(stranger.says ?? /^$/);
      // ...and validate's warning for the same rule does not stop --strict under the guide profile.
      const strict = await runCli(['test', join(PLUGINS_DIR, 'strangers', stranger.name), '--profile', 'guide', '--strict', '--only', 'metadata.schema', '--upstream-field', stranger.upstreamField, '--startup-timeout', '180s'], {
        cwd: PLUGINS_DIR,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GOCACHE: process.env.GOCACHE, GOPATH: process.env.GOPATH },
      });
      expect(strict.code, `${stranger.name} --profile guide --strict: ${strict.stderr}`).toBe(0);
    }
  }, 240_000);
});

describe('a plugin whose upstream URL field is not named endpoint, run without --upstream-field', () => {
  it('says in each failure that the mock was not used, and which --upstream-field to pass', async () => {
    const dir = join(PLUGINS_DIR, 'strangers', 'acme-py');
    const run = await runCli(['test', dir, '--reporter', 'json'], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const failed = report.results.filter((result) => result.status === 'fail');
    expect(failed.map((result) => result.id)).toContain('chat.schema');
    for (const result of failed) {
      expect(result.message, result.id).toMatch(/The mock upstream was not used: no config field was recognised as the upstream URL.*Run with --upstream-field base_url/);
    }
  }, 60_000);
});

/**
 * The defects of the Loom repository's own example plugin (examples/plugins/example-python:
 * no `command`, YAML only, `{}` refused at /initialize, a /health timestamp without a zone),
 * reproduced by a stranger plugin of our own: it fails for exactly those, none caused by
 * the mock. Without a command `test` cannot start it (exit 2, saying so); started by hand
 * and attached with --endpoint, the report names each defect once.
 */
describe('a plugin with the defects of the Loom example plugin', () => {
  const dir = join(PLUGINS_DIR, 'strangers', 'acme-py-first-release');

  it('without a command, test says it cannot start it and how to attach instead', async () => {
    const run = await runCli(['test', dir, '--upstream-field', 'base_url'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has no `command`, so loom-plugin cannot start it/);
    expect(run.stderr).toMatch(/--endpoint/);
  }, 30_000);

  it('attached, it fails for its real defects only', async () => {
    const { spawn } = await import('node:child_process');
    const { findFreePort } = await import('../../src/core/runtime/plugin-process.js');
    const port = await findFreePort('127.0.0.1');
    const child = spawn('python3', [join(PLUGINS_DIR, 'strangers', 'acme-py', 'acme_plugin.py')], {
      env: { PATH: process.env.PATH, PORT: String(port), ACME_BODY_CONFIG_ONLY: '1', ACME_LOCAL_TIME: '1' },
      stdio: 'ignore',
    });
    try {
      const endpoint = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        const up = await fetch(`${endpoint}/health`).then(() => true, () => false);
        if (up) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const run = await runCli(['test', dir, '--endpoint', endpoint, '--upstream-field', 'base_url', '--reporter', 'json'], { cwd: dir });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as JsonReport;
      const failed = report.results.filter((result) => result.status === 'fail');
      expect(failed.map((result) => result.id)).toEqual(['manifest/yaml-only', 'health.schema']);
      // {} refused: attached, a plugin started without LOOM_CONFIG_* looks the same, so it is said, not failed.
      const load = report.results.find((r) => r.id === 'host.load-sequence');
      expect(load?.status).toBe('skip');
      expect(load?.message).toMatch(/sends POST \/initialize with \{\}.*Start it with LOOM_CONFIG_/);
      expect(JSON.stringify(failed.find((r) => r.id === 'health.schema'))).toMatch(/a time without a zone/);
      // What the zoneless timestamp makes unknowable is blocked by it, not failed again.
      for (const result of report.results.filter((r) => r.status === 'blocked')) expect(['health.schema', 'host.load-sequence']).toContain(result.blockedBy);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
