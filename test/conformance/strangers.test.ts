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
    // Whatever is not run is blocked by the one root cause, never by something else.
    for (const result of host.report.results.filter((r) => r.status === 'blocked')) expect(stranger.breaks).toContain(result.blockedBy);

    const guide = await judge(stranger, 'guide');
    expect(guide.report.profile).toBe('guide');
    expect(guide.code, `${stranger.name} under --profile guide`).toBe(stranger.guidePasses ? 0 : 1);
    const hostRules = stranger.breaks.filter((id) => id.includes('/') || id === 'host.load-sequence');
    if (stranger.guidePasses && hostRules.some((id) => id.includes('/'))) {
      // The host rule is still said, as a note, in the same words.
      expect(guide.report.notes?.join('\n')).toMatch(stranger.says ?? /^$/);
    }
  }, 240_000);
});
