/**
 * action.yml, run for real without GitHub (test/action/run-action.ts): its bash steps
 * against a freshly scaffolded Go plugin, with loom-plugin installed by npx from this
 * checkout's packed tarball. Asserts the job summary, the annotations, the report files,
 * the inputs handed to the upload actions, and that a broken plugin fails the job while
 * the reports are still kept.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, explain, ROOT, tempWorkspace } from '../e2e/helpers.js';
import { readAction, runAction, type ActionRun } from './run-action.js';

const execFileAsync = promisify(execFile);
const { version, loomPlugin: { actionRepository } } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; loomPlugin: { actionRepository: string } };

describe('action.yml', () => {
  const action = readAction(join(ROOT, 'action.yml'));

  it('is a composite action with the documented inputs, versioned with the package', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['path', 'strict', 'profile', 'reporters', 'sarif', 'upload-reports', 'loom-plugin-package']));
    expect(action.inputs['loom-plugin-package']!.default).toBe(`loom-plugin@${version}`);
    expect(readFileSync(join(ROOT, 'action.yml'), 'utf8')).toContain(`uses: ${actionRepository}@v${version}`);
  });

  it.each(['python', 'node', 'go'])("the %s template's workflow uses this action at the package's version", (language) => {
    const workflow = readFileSync(join(ROOT, 'templates', language, '.github', 'workflows', 'conformance.yml'), 'utf8');
    expect(workflow).toContain('uses: {{loom_plugin_action}}@v{{loom_plugin_version}}');
  });
});

describe.skipIf(process.platform === 'win32')('action.yml run against a scaffold', { timeout: 300_000 }, () => {
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  let tarball: string;

  beforeAll(async () => {
    assertBuilt();
    workspace = await tempWorkspace('loom-action-');
    const { stdout } = await execFileAsync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workspace.dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    tarball = join(workspace.dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    const init = await cli(['init', 'acme-go', '--language', 'go', '--install', '--yes'], workspace.dir, 240_000);
    expect(init.code, explain('init', init)).toBe(0);
  }, 300_000);
  afterAll(() => workspace?.remove());

  let passing: ActionRun;
  it('passes a conforming plugin: summary, annotations, reports, SARIF upload', async () => {
    passing = await runAction(ROOT, { workspace: workspace.dir, inputs: { path: 'acme-go', sarif: 'true', 'loom-plugin-package': tarball } });
    expect(passing.failed, passing.log).toBe(false);
    expect(passing.outputs).toEqual({ 'validate-exit-code': '0', 'test-exit-code': '0', 'reports-dir': 'loom-plugin-reports' });
    // Step summary: the action's validate section, then the CLI's own test summary.
    expect(passing.summary).toContain('## loom-plugin validate: passed');
    expect(passing.summary).toContain('`acme-go`: 0 error(s), 0 warning(s).');
    expect(passing.summary).toMatch(/\|.*metadata\./);
    // Annotations: the closing notice of `test`; no error anywhere.
    expect(passing.log).toMatch(/^::notice[^\n]*passed/m);
    expect(passing.log).not.toMatch(/^::error/m);
    // The command lines, with --strict and every reporter, and no --profile when unset.
    expect(passing.log).toContain('+ loom-plugin validate acme-go --strict --format github');
    expect(passing.log).toContain('+ loom-plugin test acme-go --output-dir loom-plugin-reports --strict --reporter human --reporter github --reporter junit --reporter json');
    const reports = join(workspace.dir, 'loom-plugin-reports');
    const junit = readFileSync(join(reports, 'loom-plugin-test.xml'), 'utf8');
    expect(junit).toContain('<testsuites');
    expect(junit).not.toContain('<failure');
    expect((JSON.parse(readFileSync(join(reports, 'loom-plugin-test.json'), 'utf8')) as { ok: boolean }).ok).toBe(true);
    const sarif = JSON.parse(readFileSync(join(reports, 'loom-plugin-validate.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results).toEqual([]);
    // The steps that use other actions: what they would be handed.
    const upload = passing.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(upload?.ran).toBe(true);
    expect(upload?.with).toEqual({ sarif_file: 'loom-plugin-reports/loom-plugin-validate.sarif', category: 'loom-plugin-validate' });
    const artifact = passing.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    expect(artifact?.with).toEqual({ name: 'loom-plugin-reports', path: 'loom-plugin-reports', 'if-no-files-found': 'warn' });
  });

  it('fails the job for a broken manifest, with annotations on the file, and still keeps the reports', async () => {
    const broken = join(workspace.dir, 'broken-go');
    await cp(join(workspace.dir, 'acme-go'), broken, { recursive: true });
    const manifest = join(broken, 'plugin.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^ {2}provider_type: .*\n/m, ''));
    const run = await runAction(ROOT, { workspace: workspace.dir, inputs: { path: 'broken-go', profile: 'loom-host', 'reports-dir': 'broken-reports', 'loom-plugin-package': tarball } });
    expect(run.failed).toBe(true);
    expect(run.outputs['validate-exit-code']).toBe('1');
    expect(run.outputs['test-exit-code']).not.toBe('0');
    expect(run.summary).toContain('## loom-plugin validate: failed');
    expect(run.log).toMatch(/^::error file=broken-go\/plugin\.yaml,line=\d+/m);
    expect(run.log).toContain('--profile loom-host');
    expect(run.log).toMatch(/^::error title=loom-plugin::validate exited with 1, test with \d/m);
    // SARIF not asked for: no file, the upload step skipped; the artifact step still runs.
    expect(existsSync(join(workspace.dir, 'broken-reports', 'loom-plugin-validate.sarif'))).toBe(false);
    expect(run.steps.find((step) => step.uses?.startsWith('github/codeql-action'))?.ran).toBe(false);
    expect(run.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))).toMatchObject({ ran: true, with: { path: 'broken-reports' } });
    expect(run.steps.at(-1)).toMatchObject({ name: 'Verdict', code: 1 });
  });
});
