/**
 * `loom-plugin test` in-process through runCli: flags, reporters, exit codes, secrets.
 * Real plugin processes (the reference fixture, via temporary manifests) on 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/core/conformance/catalogue.js';
import { defaultReporters, planReporters } from '../../src/commands/test.js';
import { runCli } from '../helpers/memory-io.js';
import { REFERENCE_DIR, REFERENCE_SERVER, pidAlive, removeTempPlugins, tempPlugin } from './command-helpers.js';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'loom-test-out-'));
});
afterAll(async () => {
  await removeTempPlugins();
  await rm(out, { recursive: true, force: true });
});

describe('loom-plugin test --list', () => {
  it('prints every check with its level and exits 0 without starting anything', async () => {
    const { code, stdout } = await runCli(['test', '/nonexistent', '--list']);
    expect(code).toBe(0);
    for (const check of CHECKS) expect(stdout).toMatch(new RegExp(`^  ${check.id.replace(/\./g, '\\.')} +(required|recommended) `, 'm'));
    expect(stdout).toContain(`${CHECKS.length} checks.`);
  });

  it('--reporter json prints the catalogue as JSON, filtered by --only', async () => {
    const { code, stdout } = await runCli(['test', '--list', '--reporter', 'json', '--only', 'errors.*']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { checks: Array<{ id: string; level: string }> };
    expect(parsed.checks.length).toBeGreaterThan(0);
    expect(parsed.checks.every((check) => check.id.startsWith('errors.'))).toBe(true);
    expect(parsed.checks.length).toBe(CHECKS.filter((check) => check.id.startsWith('errors.')).length);
  });
});

describe('planReporters', () => {
  it('one reporter, or human + github, may share stdout', () => {
    expect(planReporters(['human'], undefined)).toEqual({ stdoutDocument: undefined, human: true, githubAnnotations: false, files: [] });
    expect(planReporters(['json'], undefined)).toEqual({ stdoutDocument: 'json', human: false, githubAnnotations: false, files: [] });
    expect(planReporters(['junit', 'junit'], undefined)).toMatchObject({ stdoutDocument: 'junit', human: false });
    expect(planReporters(['human', 'github'], undefined)).toEqual({ stdoutDocument: undefined, human: true, githubAnnotations: true, files: [] });
    expect(planReporters(['github'], undefined)).toEqual({ stdoutDocument: undefined, human: false, githubAnnotations: true, files: [] });
  });

  it('without --reporter: human, plus github under GitHub Actions', () => {
    expect(defaultReporters([], {})).toEqual(['human']);
    expect(defaultReporters([], { GITHUB_ACTIONS: 'true' })).toEqual(['human', 'github']);
    expect(defaultReporters(['json'], { GITHUB_ACTIONS: 'true' })).toEqual(['json']);
  });

  it('a document next to another reporter on stdout is a usage error', () => {
    expect(() => planReporters(['human', 'json'], undefined)).toThrow(/json must be alone there/);
    expect(() => planReporters(['github', 'junit'], undefined)).toThrow(/junit must be alone there/);
  });

  it('with --output-dir every machine reporter goes to a file and human to stdout', () => {
    expect(planReporters(['json', 'junit', 'github'], 'out')).toEqual({ stdoutDocument: undefined, human: true, githubAnnotations: true, files: ['json', 'junit', 'github'] });
    expect(planReporters(['human'], 'out')).toEqual({ stdoutDocument: undefined, human: true, githubAnnotations: false, files: [] });
  });
});

describe('usage errors (exit 2, nothing started)', () => {
  it('json and junit together on stdout need --output-dir', async () => {
    const { code, stderr, stdout } = await runCli(['test', REFERENCE_DIR, '--reporter', 'json,junit']);
    expect(code).toBe(2);
    expect(stderr).toContain('must be alone there');
    expect(stderr).toContain('--output-dir');
    expect(stdout).toBe('');
  });

  it('an --only pattern that matches nothing has a did-you-mean', async () => {
    const { code, stderr } = await runCli(['test', REFERENCE_DIR, '--only', 'metadata.shcema']);
    expect(code).toBe(2);
    expect(stderr).toContain('metadata.schema');
  });

  it('an unknown id in the expected-failures file is reported before any plugin start', async () => {
    const file = join(out, 'bad-baseline.yaml');
    await writeFile(file, '- metadata.schema\n- chat.concurrnt\n');
    const { code, stderr } = await runCli(['test', '/nonexistent-plugin', '--expected-failures', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown check id "chat.concurrnt"');
    expect(stderr).toContain('Did you mean "chat.concurrent"?');
  });

  it('an --output-dir that cannot be created is exit 2 naming it', async () => {
    const blocker = join(out, 'a-file');
    await writeFile(blocker, 'not a folder');
    const { code, stderr } = await runCli(['test', REFERENCE_DIR, '--only', 'lifecycle.initialize', '--reporter', 'json', '--output-dir', join(blocker, 'reports')]);
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot write the reports to');
  }, 30_000);

  it('an --output-dir under /proc is exit 2 at once, not a hang', async () => {
    // mkdir -p under /proc retries forever in Node; the run must refuse it instead.
    const { code, stderr } = await runCli(['test', REFERENCE_DIR, '--only', 'lifecycle.initialize', '--reporter', 'junit', '--output-dir', '/proc/self/loom-reports/x']);
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot write the reports to /proc/self/loom-reports/x: cannot create /proc/self/loom-reports');
  }, 10_000);

  it('no manifest in the folder is exit 2', async () => {
    const { code, stderr } = await runCli(['test', out]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Error: No plugin\.yaml, plugin\.yml or plugin\.json in /);
  });
});

describe('runs that stop before the checks', () => {
  it('an invalid manifest prints its findings and exits 1', async () => {
    const dir = await tempPlugin({ manifest: 'type: http\nendpoint: http://127.0.0.1:1\nmetadata:\n  name: x\n' });
    const { code, stderr } = await runCli(['test', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('fix it before testing the plugin');
    expect(stderr).toMatch(/plugin\.yaml\n {2}\d+:\d+ +(error|warning) /);
    expect(stderr).toMatch(/^ {2}\d+:\d+ +error +Missing required key "metadata\.provider_type"\. +schema\/required$/m);
  });

  it('a plugin that exits at start-up is exit 3 with its exit code and stderr tail (masked)', async () => {
    const dir = await tempPlugin({ wrapper: "console.error('boom: missing dependency xyz, key', process.env.LOOM_CONFIG_API_KEY);\nprocess.exit(4);\n" });
    const config = join(out, 'start-secret.json');
    await writeFile(config, JSON.stringify({ api_key: 'sk-start-SECRET-777' }));
    const started = Date.now();
    const { code, stderr, stdout } = await runCli(['test', dir, '--reporter', 'json', '--config', config]);
    expect(stderr + stdout).not.toContain('sk-start-SECRET-777');
    expect(stderr).toContain('key ***');
    expect(code).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toMatch(/code 4/);
    expect(stderr).toContain('boom: missing dependency xyz');
    const parsed = JSON.parse(stdout) as { ok: boolean; error: { code: string; exitCode: number } };
    expect(parsed.ok).toBe(false);
    expect(parsed.error).toMatchObject({ code: 'E_PLUGIN_START', exitCode: 3 });
  });

  it('under --reporter github a start failure is an annotation and a step summary', async () => {
    const dir = await tempPlugin({ wrapper: "console.error('cannot import flask');\nprocess.exit(1);\n" });
    const summaryFile = join(out, 'start-failure-summary.md');
    const { code, stdout } = await runCli(['test', dir, '--reporter', 'human,github'], { env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summaryFile } });
    expect(code).toBe(3);
    expect(stdout).toMatch(/^::error title=loom-plugin test \(E_PLUGIN_START\)::The plugin exited with code 1/m);
    expect(await readFile(summaryFile, 'utf8')).toContain('## loom-plugin test: could not run ❌');
  });

  it('a plugin that never answers /health is exit 3 after --startup-timeout, and is killed', async () => {
    const pidFile = join(out, 'never.pid');
    const dir = await tempPlugin({ wrapper: `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nconsole.error('warming up forever');\nsetInterval(() => {}, 1000);\n` });
    const reports = join(out, 'never-reports');
    const started = Date.now();
    const { code, stderr } = await runCli(['test', dir, '--startup-timeout', '800ms', '--reporter', 'junit,json', '--output-dir', reports]);
    expect(code).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toMatch(/did not answer GET http:\/\/127\.0\.0\.1:\d+\/health within 800 ms/);
    expect(pidAlive(Number(await readFile(pidFile, 'utf8')))).toBe(false);
    const xml = await readFile(join(reports, 'loom-plugin-test.xml'), 'utf8');
    expect(xml).toContain('<failure message="The plugin did not answer GET');
    expect(xml).toContain('type="E_PLUGIN_NOT_READY"');
    const json = JSON.parse(await readFile(join(reports, 'loom-plugin-test.json'), 'utf8')) as { error: { code: string } };
    expect(json.error.code).toBe('E_PLUGIN_NOT_READY');
  });

  it('--endpoint with nothing listening is exit 3 with a hint', async () => {
    const { code, stderr } = await runCli(['test', REFERENCE_DIR, '--endpoint', 'http://127.0.0.1:9', '--timeout', '2s']);
    expect(code).toBe(3);
    expect(stderr).toContain('Nothing answers at http://127.0.0.1:9');
    expect(stderr).toContain('Hint:');
  });
});

describe('full runs against the reference plugin', () => {
  const SECRET = 'sk-live-VERY-secret-4242';
  const ORG_SECRET = 'org-token-s3cr3t-9797';

  it('passes every check (exit 0) and masks secrets in every output', async () => {
    // The wrapper prints its secrets to stderr (plugins do leak), then runs the reference server.
    const dir = await tempPlugin({
      wrapper: `console.error('starting with key', process.env.LOOM_CONFIG_API_KEY, 'org', process.env.LOOM_CONFIG_ORG_TOKEN);\nawait import(${JSON.stringify(REFERENCE_SERVER)});\n`,
    });
    const config = join(out, 'secrets.json');
    await writeFile(config, JSON.stringify({ api_key: SECRET }));
    const reports = join(out, 'reports');
    const summaryFile = join(out, 'step-summary.md');
    const { code, stdout, stderr } = await runCli(
      ['test', dir, '--config', config, '--reporter', 'human,json,junit,github', '--output-dir', reports],
      { env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summaryFile } },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^PASS \d+ passed/m);
    expect(stdout).not.toMatch(/^ {2}✗/m);
    expect(stdout).toMatch(/^::notice .*::passed: /m);
    expect((await readdir(reports)).sort()).toEqual(['loom-plugin-test.json', 'loom-plugin-test.md', 'loom-plugin-test.xml']);

    const json = JSON.parse(await readFile(join(reports, 'loom-plugin-test.json'), 'utf8')) as {
      ok: boolean; results: Array<{ id: string; status: string }>; logTail?: string; timings: { startupMs: number; checksMs: number; shutdownMs: number }; plugin: { mode: string };
    };
    expect(json.ok).toBe(true);
    expect(json.plugin.mode).toBe('started');
    expect(json.results.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    expect(json.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(json.timings.startupMs).toBeGreaterThan(0);
    expect(json.timings.shutdownMs).toBeGreaterThanOrEqual(0);
    // The leaked key reached the log tail, masked.
    expect(json.logTail).toContain('starting with key ***');

    const files = [stdout, stderr, ...(await Promise.all(['loom-plugin-test.json', 'loom-plugin-test.md', 'loom-plugin-test.xml'].map((f) => readFile(join(reports, f), 'utf8')))), await readFile(summaryFile, 'utf8')];
    for (const text of files) expect(text).not.toContain(SECRET);
    expect(await readFile(summaryFile, 'utf8')).toContain('## loom-plugin test: Reference Fixture ✅ passed');
  }, 60_000);

  it('masks a sensitive field in failure output (curl lines, excerpts, logs) too', async () => {
    // An extra sensitive field makes metadata differ from the manifest: the run fails and prints a lot.
    const dir = await tempPlugin({
      wrapper: `console.error('org token', process.env.LOOM_CONFIG_ORG_TOKEN);\nawait import(${JSON.stringify(REFERENCE_SERVER)});\n`,
      extraConfig: '    - name: org_token\n      type: string\n      required: true\n      sensitive: true\n',
    });
    const config = join(out, 'org.yaml');
    await writeFile(config, `org_token: ${ORG_SECRET}\napi_key: ${SECRET}\n`);
    for (const reporter of ['human', 'json', 'junit', 'github']) {
      const { code, stdout, stderr } = await runCli(['test', dir, '--config', config, '--reporter', reporter, '--only', 'metadata.*,lifecycle.initialize,chat.forwarded']);
      expect(code, reporter).toBe(1);
      expect(stdout, reporter).toContain('metadata.matches-manifest');
      expect(stdout + stderr, reporter).not.toContain(ORG_SECRET);
      expect(stdout + stderr, reporter).not.toContain(SECRET);
    }
  }, 60_000);
});

describe('--strict and --expected-failures', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempPlugin({ env: { DEFECT: 'metadata-no-description' } });
  });
  const only = ['--only', 'lifecycle.initialize,metadata.*'];

  it('a failed recommended check is a warning (exit 0), and a failure under --strict (exit 1)', async () => {
    const relaxed = await runCli(['test', dir, ...only]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toMatch(/^ {2}! metadata\.descriptive-fields \(recommended\)/m);
    expect(relaxed.stdout).toMatch(/^PASS .*1 warning/m);
    const strict = await runCli(['test', dir, ...only, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^FAIL .*1 failed/m);
  }, 60_000);

  it('a listed failure is expected (exit 0 even with --strict); a listed pass is stale (exit 1)', async () => {
    const expected = join(out, 'expected.yaml');
    await writeFile(expected, '- id: metadata.descriptive-fields\n  reason: description comes later\n');
    const ok = await runCli(['test', dir, ...only, '--strict', '--expected-failures', expected, '--reporter', 'json']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { results: Array<{ id: string; status: string }>; summary: { expectedFailures: number } };
    expect(report.results.find((r) => r.id === 'metadata.descriptive-fields')?.status).toBe('expected-fail');
    expect(report.summary.expectedFailures).toBe(1);

    const stale = join(out, 'stale.yaml');
    await writeFile(stale, '- metadata.descriptive-fields\n- metadata.schema\n');
    const failed = await runCli(['test', dir, ...only, '--expected-failures', stale]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`This check passes now: remove "metadata.schema" from ${stale}.`);
  }, 60_000);
});

describe('a plugin that crashes during the run', () => {
  it('exits 3, names the check it died in, and fails the rest fast', async () => {
    const pidFile = join(out, 'crash.pid');
    // Dies on its first GET /models, after the first lifecycle checks passed.
    const wrapper = `import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event === 'request' && req.url === '/models') { console.error('fatal: models exploded'); process.exit(7); }
  return emit.call(this, event, req, ...rest);
};
await import(${JSON.stringify(REFERENCE_SERVER)});
`;
    const dir = await tempPlugin({ wrapper, env: { PID_FILE: pidFile } });
    const started = Date.now();
    const { code, stdout } = await runCli(['test', dir, '--reporter', 'json', '--timeout', '5s']);
    expect(code).toBe(3);
    const report = JSON.parse(stdout) as {
      ok: boolean; pluginExit: { code: number; duringCheck: string; message: string }; logTail: string;
      results: Array<{ id: string; status: string; message?: string }>;
    };
    expect(report.ok).toBe(false);
    expect(report.pluginExit).toMatchObject({ code: 7, message: 'the plugin exited (code 7)' });
    expect(report.logTail).toContain('fatal: models exploded');
    // The first check that asks for /models is where it died; it failed and says so.
    const at = report.results.findIndex((r) => r.id === report.pluginExit.duringCheck);
    expect(at).toBeGreaterThan(0);
    expect(report.results[at]?.status).toBe('fail');
    expect(report.results[at]?.message).toContain('(the plugin exited (code 7) on GET /models during this check)');
    // One root cause: what could not run after it is blocked by it, not failed again.
    expect(report.results.slice(at + 1).filter((r) => r.status === 'fail')).toEqual([]);
    const after = report.results.slice(at + 1).filter((r) => r.status === 'blocked');
    expect(after.length).toBeGreaterThan(3);
    expect(after.every((r) => (r as { blockedBy?: string }).blockedBy === report.pluginExit.duringCheck)).toBe(true);
    expect(report.results.find((r) => r.id === 'lifecycle.initialize')?.status).toBe('pass');
    // Connection refused is immediate: no per-check timeouts after the crash.
    expect(Date.now() - started).toBeLessThan(20_000);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pidAlive(pid)).toBe(false);
  }, 60_000);
});

describe('a plugin that crashes on the POST /cleanup the run sends before a check', () => {
  it('names that request as the root cause, blocks the rest, and replays the check that sends it', async () => {
    const wrapper = `import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event === 'request' && req.url === '/cleanup') { console.error('cleanup: crashing now'); process.exit(1); }
  return emit.call(this, event, req, ...rest);
};
await import(${JSON.stringify(REFERENCE_SERVER)});
`;
    const dir = await tempPlugin({ wrapper });
    const { code, stdout } = await runCli(['test', dir, '--reporter', 'json', '--timeout', '5s']);
    expect(code).toBe(3);
    const report = JSON.parse(stdout) as {
      pluginExit: { duringCheck: string; onRequest?: string; whilePreparing?: boolean };
      results: Array<{ id: string; status: string; message?: string; blockedBy?: string; replayOnly?: string; exchange?: unknown }>;
    };
    expect(report.pluginExit).toMatchObject({ onRequest: 'POST /cleanup', whilePreparing: true });
    const failed = report.results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id)).toEqual([report.pluginExit.duringCheck]);
    expect(failed[0]?.message).toMatch(/^The plugin exited \(code 1\) on POST \/cleanup, which loom-plugin sent to reset it before this check/);
    expect(failed[0]?.replayOnly).toBe('lifecycle.cleanup');
    expect(failed[0]?.exchange).toBeUndefined();
    expect(report.results.find((r) => r.id === 'lifecycle.cleanup')).toMatchObject({ status: 'blocked', blockedBy: report.pluginExit.duringCheck });
    for (const result of report.results.filter((r) => r.status === 'blocked')) expect(result.blockedBy).toBe(report.pluginExit.duringCheck);
  }, 60_000);
});

describe('a plugin that crashes in the last check', () => {
  it('is still reported as a crash (exit 3), not as one failed check', async () => {
    // Dies on the unknown path, the last request of the run: the reset connection ends the
    // checks before the exit is noticed, unless the run waits for it.
    const wrapper = `import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event === 'request' && req.url === '/loom-plugin-test/unknown') process.exit(9);
  return emit.call(this, event, req, ...rest);
};
await import(${JSON.stringify(REFERENCE_SERVER)});
`;
    const dir = await tempPlugin({ wrapper });
    for (let round = 0; round < 4; round += 1) {
      const { code, stdout } = await runCli(['test', dir, '--reporter', 'json', '--only', 'lifecycle.initialize,errors.unknown-path']);
      const report = JSON.parse(stdout) as { pluginExit?: { code: number; duringCheck?: string } };
      expect(report.pluginExit, `round ${round}`).toMatchObject({ code: 9, duringCheck: 'errors.unknown-path' });
      expect(code).toBe(3);
    }
  }, 60_000);
});

describe('--endpoint (attach)', () => {
  it('runs against a plugin started elsewhere and leaves it running', async () => {
    const { spawn } = await import('node:child_process');
    const { findFreePort } = await import('../../src/core/runtime/plugin-process.js');
    const port = await findFreePort('127.0.0.1');
    const child = spawn(process.execPath, [REFERENCE_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !(await fetch(`http://127.0.0.1:${port}/health`).then(() => true, () => false)); i += 1) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const { code, stdout } = await runCli(['test', REFERENCE_DIR, '--endpoint', `http://127.0.0.1:${port}/`, '--reporter', 'json', '--only', 'lifecycle.initialize,metadata.*,health.*']);
      const report = JSON.parse(stdout) as { ok: boolean; plugin: { mode: string; endpoint: string }; timings: Record<string, number> };
      expect(code).toBe(0);
      expect(report.plugin).toMatchObject({ mode: 'attached', endpoint: `http://127.0.0.1:${port}` });
      expect(report.timings.startupMs).toBeUndefined();
      expect(child.exitCode).toBeNull();
      expect(pidAlive(child.pid as number)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

it('helpers point at the real reference fixture', () => {
  expect(existsSync(REFERENCE_SERVER)).toBe(true);
});
