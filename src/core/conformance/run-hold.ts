/**
 * `test --keep-running`: after the report, the plugin and the mock upstream stay up so
 * the printed curl lines can be run against them. The plugin is initialized again first
 * (the last checks may have called /cleanup), with the config the checks used, so a
 * replayed request meets the plugin in the state the check met it in. The caller's
 * `keepRunning` decides how long (the CLI: until Ctrl+C); then the run stops as usual.
 */
import { isSensitiveField } from '../runtime/config-values.js';
import { configEnvName } from '../runtime/curl-line.js';
import type { ConformanceReport } from './run-conformance.js';
import { clientOf, configOf, loadedOf, type RunState } from './run-state.js';

export interface HeldRun {
  /** Where the plugin answers (the curl lines' target). */
  pluginUrl: string;
  /** False with --endpoint: the plugin is someone else's and keeps running after the hold. */
  started: boolean;
  /** The mock upstream the plugin is pointed at, if the run started one. */
  upstreamUrl?: string;
  /**
   * The variables the curl lines read sensitive values from. `value` is set only for
   * values the run made up itself (the mock's throwaway key), never for the user's own.
   * `from`: where the run got the value, so the banner can say where the user finds it.
   */
  env: Array<{ name: string; field: string; value?: string; from: HeldValueSource }>;
  /** The --config file, when a value came from it. */
  configFile?: string;
}

/** mock: the mock's key; made-up: generated for this run; env, file, default: the user's. */
export type HeldValueSource = 'mock' | 'made-up' | 'env' | 'file' | 'default';

export async function holdRun(run: RunState, report: ConformanceReport): Promise<void> {
  const keep = run.options.keepRunning;
  if (!keep || run.pluginExit || !run.baseUrl || run.signal?.aborted) return;
  const manifest = loadedOf(run).manifest;
  const { initConfigFor } = await import('./run-suite.js');
  const values = initConfigFor({ config: configOf(run), mock: run.mock, manifest, upstreamField: run.upstreamField });
  await clientOf(run).request('POST', '/initialize', { json: values }).catch(() => undefined);
  run.mock?.reset();
  const sources = configOf(run).sources;
  const env = (manifest.metadata.config_schema ?? []).filter(isSensitiveField).map((field) => {
    const value = values[field.name];
    const from: HeldValueSource =
      run.mock !== undefined && value === run.mock.apiKey ? 'mock' : sources[field.name] === 'generated' ? 'made-up' : sources[field.name] === 'file' ? 'file' : sources[field.name] === 'default' ? 'default' : 'env';
    const shown = from === 'mock' || from === 'made-up';
    return { name: configEnvName(field.name), field: field.name, from, ...(shown && value !== undefined ? { value: String(value) } : {}) };
  });
  const configFile = run.options.configFile;
  await keep({ pluginUrl: run.baseUrl, started: !run.options.endpoint, ...(run.mock ? { upstreamUrl: run.mock.url } : {}), env, ...(configFile ? { configFile } : {}) }, report);
}
