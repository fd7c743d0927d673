/**
 * The end-to-end proof for one template language, real toolchain: `init --install --yes`
 * scaffolds it, the template's own tests pass, our validate --strict and test --strict
 * pass on it, Schemathesis finds nothing with the OpenAPI document, and a version bump in
 * plugin.yaml needs only `loom-plugin sync` (Go: test rebuilds before it starts). One file per
 * language calls this, so vitest runs them in parallel workers. Needs the build (npx tsc
 * -p tsconfig.json) and the package registry.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InitLanguage } from '../../src/core/init/types.js';
import { describeFuzz, fuzzPlugin } from '../openapi/fuzz-plugin.js';
import { assertBuilt, cli, explain, run, tempWorkspace } from './helpers.js';

function hasTool(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface EndToEndCase {
  /** Tool whose presence decides whether the test can run locally, e.g. ['go', ['version']]. */
  tool: [string, string[]];
  /** The template's own test command, run in the plugin folder. */
  ownTests: (pluginDir: string) => [string, string[]];
}

export function describeInitEndToEnd(language: InitLanguage, spec: EndToEndCase): void {
  const available = hasTool(...spec.tool);
  // Skipped locally when the toolchain is missing; in CI a missing toolchain must fail loudly.
  describe.skipIf(!available && !process.env.CI)(`init ${language} end to end`, { timeout: 300_000 }, () => {
    const name = `acme-${language}`;
    let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
    let pluginDir: string;

    beforeAll(async () => {
      assertBuilt();
      workspace = await tempWorkspace(`loom-e2e-${language}-`);
      pluginDir = join(workspace.dir, name);
    });
    afterAll(() => workspace?.remove());

    it('scaffolds and installs non-interactively', async () => {
      const result = await cli(['init', name, '--language', language, '--provider-type', name, '--install', '--yes'], workspace.dir, 280_000);
      expect(result.code, explain('init', result)).toBe(0);
      expect(result.output).toContain('Next steps');
    });

    it("passes the template's own tests", async () => {
      const [command, args] = spec.ownTests(pluginDir);
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

    it('answers Schemathesis with the OpenAPI document: every answer matches, no crash', async () => {
      const result = await fuzzPlugin(pluginDir);
      console.info(describeFuzz(`${language} template`, result));
      expect(result.code, result.output).toBe(0);
      expect(result.failures).toBe(0);
      expect(result.operations).toBe(6);
      expect(result.cases).toBeGreaterThan(50);
      expect(result.alive, result.logs).toBe(true);
      expect(result.healthStatus).toBe(200);
    }, 240_000);

    it('after a version bump in plugin.yaml, sync is the one command that makes test --strict pass again', async () => {
      const manifest = join(pluginDir, 'plugin.yaml');
      await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/^( {2}version: )"0\.1\.0"$/m, '$1"0.2.0"'));
      expect(await readFile(manifest, 'utf8')).toContain('version: "0.2.0"');
      const stale = await cli(['test', '--strict'], pluginDir, 120_000);
      expect(stale.code, explain('test --strict before sync', stale)).toBe(2);
      expect(stale.output).toContain('Run loom-plugin sync');
      const sync = await cli(['sync'], pluginDir);
      expect(sync.code, explain('sync', sync)).toBe(0);
      expect(sync.output).toContain('plugin.json: written from plugin.yaml (metadata.version)');
      const result = await cli(['test', '--strict'], pluginDir, 120_000);
      expect(result.code, explain('test --strict after sync', result)).toBe(0);
    });
  });
}
