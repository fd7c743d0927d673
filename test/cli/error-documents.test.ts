/**
 * A machine format asked for gets a machine-readable error on stdout when the command
 * stops before its report: a path that does not exist, a usage error in the command line.
 * validate printed nothing on stdout for json, sarif, junit and github; test printed
 * nothing for a usage error caught while reading its flags.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';

const MISSING = '/nonexistent-loom-plugin-path';
const env = { PATH: process.env.PATH };

describe('validate: the error as a document of the format asked for', () => {
  it.each([
    [['validate', MISSING, '--format', 'json']],
    [['validate', MISSING, '--format=json']],
    [['validate', '-fjson', MISSING]],
    // Short flags bundled as commander reads them: -q, then -f with a value.
    [['validate', '-qf', 'json', MISSING]],
    [['validate', '-qfjson', MISSING]],
    [['validate', '-q', '-f', 'json', MISSING]],
    [['validate', MISSING, '-f', 'sarif', '-qf', 'json']],
    [['validate', MISSING, '-f', 'json', '--', '-fsarif']],
  ])('json %j: the report with no files, summary.ok false, and the error', async (argv) => {
    const { code, stdout, stderr } = await runCli(argv, { env });
    expect(code).toBe(2);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ version: 1, files: [], summary: { files: 0, ok: false }, error: { code: 'E_FILE_READ', exitCode: 2 } });
    expect(doc.error.message).toContain('does not exist.');
    expect(doc.error.hint).toMatch(/\S/);
    // The human sentence and hint still go to stderr.
    expect(stderr).toMatch(/^Error: .*does not exist\.\nHint: /);
  });

  it('json on a usage error in the command line (an unknown flag)', async () => {
    const { code, stdout } = await runCli(['validate', '--format', 'json', '--bogus'], { env });
    expect(code).toBe(2);
    const doc = JSON.parse(stdout);
    expect(doc.error).toEqual({ code: 'E_USAGE', message: 'Unknown option "--bogus".', hint: 'Run loom-plugin validate --help to see its options.', exitCode: 2 });
  });

  it('sarif: a failed invocation whose notification carries the code, message and hint', async () => {
    const { code, stdout } = await runCli(['validate', MISSING, '--format', 'sarif'], { env });
    expect(code).toBe(2);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.results).toEqual([]);
    expect(run.invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 2 });
    const note = run.invocations[0].toolExecutionNotifications[0];
    expect(note.level).toBe('error');
    expect(note.descriptor.id).toBe('E_FILE_READ');
    expect(note.message.text).toMatch(/does not exist\. Hint: \S/);
  });

  it('junit: one failing testcase typed with the code', async () => {
    const { code, stdout } = await runCli(['validate', MISSING, '--format', 'junit'], { env });
    expect(code).toBe(2);
    expect(stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="loom-plugin validate" tests="1" failures="1"/);
    expect(stdout).toMatch(/<testcase [^>]*name="validate could not run">\s*<failure type="E_FILE_READ" message="[^"]*does not exist\.">/);
    expect(stdout).toContain('hint: ');
  });

  it('github: an ::error annotation titled with the code, given or chosen under GitHub Actions', async () => {
    for (const [argv, runEnv] of [
      [['validate', MISSING, '--format', 'github'], env],
      [['validate', MISSING], { ...env, GITHUB_ACTIONS: 'true' }],
    ] as const) {
      const { code, stdout } = await runCli([...argv], { env: runEnv });
      expect(code).toBe(2);
      expect(stdout).toMatch(/^::error title=loom-plugin validate \(E_FILE_READ\)::.*does not exist\.%0A\S.*\n$/);
    }
  });

  it('stylish, and an unknown --format: nothing on stdout, the error on stderr', async () => {
    for (const argv of [['validate', MISSING], ['validate', MISSING, '--format', 'xml']]) {
      const { code, stdout, stderr } = await runCli(argv, { env });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^Error: /);
    }
  });
});

describe('test: a usage error in the command line gets the reporter\'s document too', () => {
  it('json: {reportVersion, ok: false, error}, as for an error during the run', async () => {
    for (const argv of [['test', '--reporter', 'json', '--timeout', '0'], ['test', MISSING, '-r', 'json']]) {
      const { code, stdout } = await runCli(argv, { env });
      expect(code).toBe(2);
      const doc = JSON.parse(stdout);
      expect(doc).toMatchObject({ reportVersion: 1, ok: false, error: { exitCode: 2 } });
      expect(doc.error.hint).toMatch(/\S/);
    }
    const usage = JSON.parse((await runCli(['test', '--timeout', '0', '--reporter=json'], { env })).stdout);
    expect(usage.error).toMatchObject({ code: 'E_USAGE', message: '--timeout must be greater than zero.' });
  });

  it('junit: the failing plugin.start testcase typed E_USAGE', async () => {
    const { code, stdout } = await runCli(['test', '--reporter', 'junit', '--timeout', '0'], { env });
    expect(code).toBe(2);
    expect(stdout).toMatch(/<failure message="--timeout must be greater than zero\." type="E_USAGE">/);
  });

  it('github: one ::error line', async () => {
    const { code, stdout } = await runCli(['test', '--reporter', 'github', '--bogus'], { env });
    expect(code).toBe(2);
    expect(stdout).toBe('::error title=loom-plugin test (E_USAGE)::Unknown option "--bogus".%0ARun loom-plugin test --help to see its options.\n');
  });

  it('an error during the run is still written once, not twice', async () => {
    const { stdout } = await runCli(['test', MISSING, '--reporter', 'json'], { env });
    expect(stdout.match(/"reportVersion"/g)).toHaveLength(1);
  });

  it('no document where none fits: human, two documents on stdout, --output-dir', async () => {
    for (const argv of [
      ['test', '--timeout', '0'],
      ['test', '--reporter', 'json,junit'],
      ['test', '--reporter', 'json', '--output-dir', 'reports', '--timeout', '0'],
    ]) {
      const { code, stdout } = await runCli(argv, { env });
      expect(code).toBe(2);
      expect(stdout).toBe('');
    }
  });
});

it('other commands print nothing on stdout for an error', async () => {
  const { code, stdout } = await runCli(['sync', MISSING, '--format', 'json'], { env });
  expect(code).toBe(2);
  expect(stdout).toBe('');
});
