/** `loom-plugin validate` in-process through runCli: formats, exit codes, flags, secrets. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/memory-io.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const SECRET = 'TOPSECRET';
const FORMATS = ['stylish', 'json', 'junit', 'sarif', 'github'] as const;

describe('validate: exit codes', () => {
  it('0 for clean manifests, with a summary', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'valid'], { cwd: FIXTURES });
    expect(code).toBe(0);
    // The two YAML ones have no plugin.json twin: a warning each, for the shipped host.
    expect(stdout).toContain('2 problems (0 errors, 2 warnings) in 3 manifests');
    expect(stdout.match(/manifest\/yaml-only/g)).toHaveLength(2);
    const json = await runCli(['validate', 'valid/minimal-json'], { cwd: FIXTURES });
    expect(json.stdout).toContain('1 manifest checked, no problems');
    expect(stderr).toBe('');
  });

  it('0 with warnings, 1 with warnings under --strict', async () => {
    const args = ['validate', 'rules/auto-start-disabled.yaml'];
    const normal = await runCli(args, { cwd: FIXTURES });
    expect(normal.code).toBe(0);
    expect(normal.stdout).toContain('auto-start/disabled');
    expect(normal.stdout).toContain('rules/auto-start-disabled.yaml');
    expect(normal.stdout).toMatch(/8:13\s+warning\s+auto_start is false/);
    const strict = await runCli([...args, '--strict'], { cwd: FIXTURES });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('Warnings fail under --strict');
  });

  it('1 with errors', async () => {
    const { code, stdout } = await runCli(['validate', 'rules/schema-enum.yaml'], { cwd: FIXTURES });
    expect(code).toBe(1);
    expect(stdout).toMatch(/1:7\s+error\s+type must be one of http, grpc, builtin; did you mean "http"\?\s+schema\/enum/);
    expect(stdout).toContain('hint: Use `type: http`');
    expect(stdout).toContain('1 problem (1 error, 0 warnings) in 1 manifest.');
  });

  it('--quiet hides warnings but keeps errors and the exit code', async () => {
    const warnOnly = await runCli(['validate', 'rules/auto-start-disabled.yaml', '--quiet'], { cwd: FIXTURES });
    expect(warnOnly.code).toBe(0);
    expect(warnOnly.stdout).not.toContain('auto-start/disabled');
    const strictQuiet = await runCli(['validate', 'rules/auto-start-disabled.yaml', '--quiet', '--strict'], { cwd: FIXTURES });
    expect(strictQuiet.code).toBe(1);
    const errors = await runCli(['validate', 'rules/schema-enum.yaml', 'rules/auto-start-disabled.yaml', '-q', '--format', 'json'], { cwd: FIXTURES });
    const report = JSON.parse(errors.stdout) as { files: { diagnostics: { rule: string }[] }[] };
    expect(report.files.flatMap((f) => f.diagnostics.map((d) => d.rule))).toEqual(['schema/enum', 'provider-type/duplicate']);
    expect(errors.code).toBe(1);
  });

  it('2 when no manifest is found, saying where it looked', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'rules/../../plugins-that-do-not-exist'], { cwd: FIXTURES });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('does not exist');
    const empty = await runCli(['validate'], { cwd: fileURLToPath(new URL('../helpers/', import.meta.url)) });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No plugin\.yaml, plugin\.yml or plugin\.json found in \./);
    expect(empty.stderr).toContain('Hint: Run loom-plugin init');
  });

  it('an unknown --format is a usage error', async () => {
    const { code } = await runCli(['validate', '--format', 'xml'], { cwd: FIXTURES });
    expect(code).toBe(2);
  });
});

describe('validate: formats', () => {
  it('json is versioned, relative paths, with summary', async () => {
    const { code, stdout } = await runCli(['validate', 'rules/schema-enum.yaml', 'valid/minimal-json', '--format', 'json'], { cwd: FIXTURES });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ files: 2, errorCount: 1, warningCount: 0, ok: false });
    expect(report.files[0].file).toBe('rules/schema-enum.yaml');
    expect(report.files[0].diagnostics[0]).toMatchObject({ file: 'rules/schema-enum.yaml', line: 1, column: 7, severity: 'error', rule: 'schema/enum' });
    expect(report.files[1]).toMatchObject({ file: 'valid/minimal-json/plugin.json', valid: true, diagnostics: [] });
    expect(report.files[1].manifest).toBeUndefined();
  });

  it('junit has a suite per file, a failing case per error, a passing case for a clean file', async () => {
    const { stdout } = await runCli(['validate', 'rules/schema-enum.yaml', 'rules/auto-start-disabled.yaml', 'valid/minimal-json', '--format', 'junit'], { cwd: FIXTURES });
    expect(stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="loom-plugin validate" tests="4" failures="2" errors="0">/);
    expect(stdout).toContain('<testsuite name="rules/schema-enum.yaml" tests="2" failures="2"');
    expect(stdout).toContain('<failure type="schema/enum" message="type must be one of http, grpc, builtin; did you mean &quot;http&quot;?">');
    expect(stdout).toContain('<testsuite name="rules/auto-start-disabled.yaml" tests="1" failures="0"');
    expect(stdout).toContain('<system-out>rules/auto-start-disabled.yaml:8:13 warning');
    expect(stdout).toContain('<testcase classname="valid/minimal-json/plugin.json" name="manifest is valid"/>');
    const strict = await runCli(['validate', 'rules/auto-start-disabled.yaml', '--format', 'junit', '--strict'], { cwd: FIXTURES });
    expect(strict.stdout).toContain('failures="1"');
  });

  it('sarif 2.1.0 with rules and located results', async () => {
    const { stdout } = await runCli(['validate', 'rules/metadata-version-semver.yaml', '--format', 'sarif'], { cwd: FIXTURES });
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('loom-plugin');
    const rule = run.tool.driver.rules[run.results[0].ruleIndex];
    expect(rule.id).toBe('metadata/version-semver');
    expect(rule.help.text).toBeTruthy();
    expect(run.results[0]).toMatchObject({
      ruleId: 'metadata/version-semver',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'rules/metadata-version-semver.yaml' }, region: { startLine: 5, startColumn: 12 } } }],
    });
  });

  it('github workflow commands, escaped, auto-selected under GITHUB_ACTIONS', async () => {
    const env = { PATH: process.env.PATH, GITHUB_ACTIONS: 'true' };
    const { stdout, code } = await runCli(['validate', 'rules/schema-enum.yaml', 'rules/auto-start-disabled.yaml'], { cwd: FIXTURES, env });
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('::warning file=rules/auto-start-disabled.yaml,line=8,col=13,endLine=8,endColumn=18,title=auto-start/disabled::auto_start is false: the host will not load this plugin.%0Ahint: Set auto_start: true.');
    expect(lines[1]).toMatch(/^::error file=rules\/schema-enum\.yaml,line=1,col=7,endLine=1,endColumn=10,title=schema\/enum::type must be one of/);
    // an explicit --format wins over the environment
    const explicit = await runCli(['validate', 'rules/schema-enum.yaml', '--format', 'json'], { cwd: FIXTURES, env });
    expect(() => JSON.parse(explicit.stdout)).not.toThrow();
    const notActions = await runCli(['validate', 'rules/schema-enum.yaml'], { cwd: FIXTURES, env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'false' } });
    expect(notActions.stdout).not.toContain('::error');
  });

  it('machine formats are never coloured, stylish is coloured only when forced or on a TTY', async () => {
    for (const format of ['json', 'junit', 'sarif', 'github']) {
      const { stdout } = await runCli(['validate', 'rules/schema-enum.yaml', '--format', format], { cwd: FIXTURES, env: { FORCE_COLOR: '1' } });
      expect(stdout).not.toMatch(/\u001b\[/);
    }
    const forced = await runCli(['validate', 'rules/schema-enum.yaml'], { cwd: FIXTURES, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const plain = await runCli(['validate', 'rules/schema-enum.yaml'], { cwd: FIXTURES });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const noColor = await runCli(['validate', 'rules/schema-enum.yaml'], { cwd: FIXTURES, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('validate: secrets', () => {
  for (const format of FORMATS) {
    it(`never prints a sensitive default (${format})`, async () => {
      const { stdout, stderr, code } = await runCli(['validate', 'rules/config-sensitive-default.yaml', '--format', format], { cwd: FIXTURES });
      expect(code).toBe(1);
      expect(stdout).toContain('config/sensitive-default');
      expect(stdout + stderr).not.toContain(SECRET);
    });
  }
});
