/**
 * The end-to-end proof for one template language, real toolchain: `init --install --yes`
 * scaffolds it, the template's own tests pass, our validate --strict and test --strict
 * pass on it, Schemathesis finds nothing with the OpenAPI document, and a version bump in
 * plugin.yaml needs only `loom-plugin sync` (Go: test rebuilds before it starts). One file per
 * language calls this, so vitest runs them in parallel workers. Needs the build (npx tsc
 * -p tsconfig.json) and the package registry.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_APIS, type InitLanguage, type ProviderApi } from '../../src/core/init/types.js';
import { describeFuzz, fuzzPlugin } from '../openapi/fuzz-plugin.js';
import { assertBuilt, cli, explain, ROOT, run, tempWorkspace } from './helpers.js';

/** What an install leaves in the plugin folder (Go: nothing; its build cache is shared anyway). */
const INSTALLED: Record<InitLanguage, string | undefined> = { python: '.venv', node: 'node_modules', go: undefined };
/** The files that decide what an install installs. */
const DEPENDENCY_FILES: Record<InitLanguage, string[]> = { python: ['requirements.txt', 'requirements-dev.txt'], node: ['package.json'], go: ['go.mod'] };

/** The provider APIs besides openai that this language has an adapter for. */
function otherApis(language: InitLanguage): ProviderApi[] {
  return PROVIDER_APIS.filter((api) => api !== 'openai' && existsSync(join(ROOT, 'templates', language, 'adapters', api)));
}

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

    for (const api of otherApis(language)) {
      describe(`--provider-api ${api}`, () => {
        const dir = () => join(workspace.dir, api);
        const apiPluginDir = () => join(dir(), name);

        it('scaffolds with every capability its adapter supports, with the same dependency files', async () => {
          const spec = JSON.parse(await readFile(join(ROOT, 'templates', 'apis', `${api}.json`), 'utf8')) as { supports: Record<string, boolean> };
          const flags = [spec.supports.function_calling ? '--function-calling' : '', spec.supports.vision ? '--vision' : ''].filter(Boolean);
          const result = await cli(['init', name, '--language', language, '--provider-type', name, '--provider-api', api, ...flags, '--directory', dir(), '--yes'], workspace.dir);
          expect(result.code, explain(`init --provider-api ${api}`, result)).toBe(0);
          for (const file of DEPENDENCY_FILES[language]) {
            expect(await readFile(join(apiPluginDir(), file), 'utf8'), file).toBe(await readFile(join(pluginDir, file), 'utf8'));
          }
          const installed = INSTALLED[language];
          if (installed) await symlink(join(pluginDir, installed), join(apiPluginDir(), installed));
        });

        it("passes the scaffold's own tests against its fake provider", async () => {
          const [command, args] = spec.ownTests(apiPluginDir());
          const result = await run(command, args, { cwd: apiPluginDir() });
          expect(result.code, explain([command, ...args].join(' '), result)).toBe(0);
        });

        it('passes validate --strict and test --strict, the mock speaking its dialect', async () => {
          const validated = await cli(['validate', '--strict'], apiPluginDir());
          expect(validated.code, explain('validate --strict', validated)).toBe(0);
          const result = await cli(['test', '--strict'], apiPluginDir(), 120_000);
          expect(result.code, explain('test --strict', result)).toBe(0);
          expect(result.output).toMatch(/Upstream dialect: .*detected/);
        });
      });
    }
  });
}
