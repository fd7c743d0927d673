/**
 * End to end, real toolchain: `init --install --yes` scaffolds the node template, the
 * template's own tests pass, and our validate --strict and test --strict pass on it.
 * Needs the build (npx tsc -p tsconfig.json), npm, and the package registry.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, explain, run, tempWorkspace } from './helpers.js';

function hasTool(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const available = hasTool('npm', ['--version']);

// Skipped locally when the toolchain is missing; in CI a missing toolchain must fail loudly.
describe.skipIf(!available && !process.env.CI)('init node end to end', { timeout: 300_000 }, () => {
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  let pluginDir: string;

  beforeAll(async () => {
    assertBuilt();
    workspace = await tempWorkspace('loom-e2e-node-');
    pluginDir = join(workspace.dir, 'acme-node');
  });
  afterAll(() => workspace?.remove());

  it('scaffolds and installs non-interactively', async () => {
    const result = await cli(['init', 'acme-node', '--language', 'node', '--provider-type', 'acme-node', '--install', '--yes'], workspace.dir, 280_000);
    expect(result.code, explain('init', result)).toBe(0);
    expect(result.output).toContain('Next steps');
  });

  it("passes the template's own tests", async () => {
    const [command, args] = [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['test']] as [string, string[]];
    const result = await run(command, args, { cwd: pluginDir });
    expect(result.code, explain([command, ...args].join(' '), result)).toBe(0);
  });

  it('passes loom-plugin validate --strict', async () => {
    const result = await cli(['validate', '--strict'], pluginDir);
    expect(result.code, explain('validate --strict', result)).toBe(0);
  });

  it('passes loom-plugin test --strict', async () => {
    const result = await cli(['test', '--strict'], pluginDir, 120_000);
    expect(result.code, explain('test --strict', result)).toBe(0);
  });
});
