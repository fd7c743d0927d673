/**
 * What the manifest search passes over is reported, not skipped silently: a FIFO named
 * plugin.yml and a folder the user cannot read are `file/skipped` warnings (exit 0, exit
 * 1 under --strict), and the valid manifest next to them is still checked. Run through
 * the binary; as root (who can read anything) it runs as `nobody` (test/helpers/unprivileged.ts),
 * so the folder is really unreadable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionBoundSpawn } from '../helpers/unprivileged.js';

const BIN = fileURLToPath(new URL('../../bin/loom-plugin.js', import.meta.url));
const VALID = fileURLToPath(new URL('../fixtures/dev/echo/plugin.yaml', import.meta.url));
// Another provider_type: where the folder is readable (as root), it is one more valid plugin.
const OTHER = fileURLToPath(new URL('../fixtures/dev/leaky/plugin.yaml', import.meta.url));
const asUser = permissionBoundSpawn(BIN);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-validate-skipped-'));
  await chmod(root, 0o755);
  await mkdir(join(root, 'good'));
  await copyFile(VALID, join(root, 'good', 'plugin.yaml'));
  execFileSync('mkfifo', [join(root, 'good', 'plugin.yml')]);
  await mkdir(join(root, 'locked'));
  await copyFile(OTHER, join(root, 'locked', 'plugin.yaml'));
  await chmod(join(root, 'locked'), 0o000);
});
afterAll(async () => {
  await chmod(join(root, 'locked'), 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

function validate(user: { uid?: number; gid?: number }, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, 'validate', root, ...args], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, NO_COLOR: '1' }, ...user });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function findings(stdout: string): Map<string, Array<{ rule: string; severity: string; message: string }>> {
  const report = JSON.parse(stdout) as { files: Array<{ file: string; diagnostics: Array<{ rule: string; severity: string; message: string }> }> };
  return new Map(report.files.map((f) => [f.file.slice(root.length + 1), f.diagnostics]));
}

describe('validate and what the search passes over', () => {
  it('reports a FIFO with a manifest name as a warning, and checks the manifest beside it', () => {
    const { code, stdout } = validate({}, '--format', 'json');
    expect(code).toBe(0);
    const byFile = findings(stdout);
    expect(byFile.get('good/plugin.yaml')).toEqual([expect.objectContaining({ rule: 'manifest/yaml-only' })]);
    expect(byFile.get('good/plugin.yml')).toEqual([expect.objectContaining({ rule: 'file/skipped', severity: 'warning', message: expect.stringContaining('FIFO') })]);
  });

  // As root with a checkout `nobody` cannot read, the folder cannot be made unreadable: skipped.
  it.skipIf(asUser === undefined)('reports a folder it cannot read as a warning', () => {
    const { code, stdout } = validate(asUser ?? {}, '--format', 'json');
    expect(code).toBe(0);
    expect(findings(stdout).get('locked')).toEqual([expect.objectContaining({ rule: 'file/skipped', severity: 'warning', message: expect.stringContaining('cannot be read (EACCES)') })]);
  });

  it('fails under --strict, like every warning, and counts skipped paths apart', () => {
    const { code, stdout } = validate(asUser ?? {}, '--strict');
    expect(code).toBe(1);
    expect(stdout).toContain('file/skipped');
    expect(stdout).toMatch(/\(0 errors, \d warnings?\) in \d manifests? and \d skipped paths?\./);
  });
});
