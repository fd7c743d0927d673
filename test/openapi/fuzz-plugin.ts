/**
 * Schemathesis against one plugin folder, the way a host would run it: a mock upstream
 * (serving the document's example model), the plugin started from its manifest with its
 * configuration in LOOM_CONFIG_* variables, `/initialize {}`, then the fuzzer. Afterwards
 * the plugin must still be running and healthy: a request must not crash it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Manifest } from '../../src/core/manifest/types.js';
import { startMockUpstream } from '../../src/core/runtime/mock-upstream.js';
import { findFreePort, startPlugin } from '../../src/core/runtime/plugin-process.js';
import { runSchemathesis, type SchemathesisResult } from './schemathesis.js';

export interface FuzzResult extends SchemathesisResult {
  /** Still running after the run, and GET /health status then (0: no answer). */
  alive: boolean;
  healthStatus: number;
  logs: string;
}

export async function fuzzPlugin(pluginDir: string, options: { maxExamples?: number; manifestFile?: string } = {}): Promise<FuzzResult> {
  const manifest = parse(readFileSync(join(pluginDir, options.manifestFile ?? 'plugin.yaml'), 'utf8')) as Manifest;
  const mock = await startMockUpstream({ models: ['acme-large', 'mock-small'], chunkDelayMs: 1 });
  const plugin = await startPlugin({
    manifest,
    manifestDir: pluginDir,
    port: await findFreePort(),
    env: { LOOM_CONFIG_API_KEY: mock.apiKey, LOOM_CONFIG_ENDPOINT: mock.url, LOOM_CONFIG_TIMEOUT: '5' },
    startupTimeoutMs: 20_000,
  });
  try {
    const init = await fetch(`${plugin.baseUrl}/initialize`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    if (init.status !== 200) throw new Error(`/initialize answered ${init.status}: ${await init.text()}`);
    const result = await runSchemathesis(plugin.baseUrl, options.maxExamples ? { maxExamples: options.maxExamples } : {});
    const alive = plugin.exitInfo() === undefined;
    const healthStatus = alive ? await fetch(`${plugin.baseUrl}/health`).then((r) => r.status, () => 0) : 0;
    return { ...result, alive, healthStatus, logs: plugin.logs.text() };
  } finally {
    await plugin.stop({ graceMs: 1000 });
    await mock.close();
  }
}

/** One line for the log and docs/templates.md. */
export function describeFuzz(label: string, result: SchemathesisResult): string {
  return `Schemathesis ${label}: ${result.operations} operations, ${result.cases} cases, ${result.failures} failures`;
}
