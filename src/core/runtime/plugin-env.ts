/** The environment a plugin process starts with: the CLI's, the manifest's, config, run marker. */
import { RUN_MARKER_VAR } from './run-marker.js';
import { rewriteEnv } from './port-rewrite.js';
import type { StartPluginOptions } from './running-plugin.js';

export function buildEnv(options: StartPluginOptions, marker: string): NodeJS.ProcessEnv {
  const extra = options.env ?? {};
  return {
    ...process.env,
    // Python buffers stdout when it is a pipe; plugin logs should appear as they happen.
    PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED ?? '1',
    ...expandConfigReferences(rewriteEnv(options.manifest.env, options.port), extra),
    ...extra,
    // Inherited by every descendant, so the ones that leave the process group are found too.
    [RUN_MARKER_VAR]: marker,
  };
}

/**
 * `${LOOM_CONFIG_<NAME>}` in a manifest `env` value becomes that config value (for `test`,
 * pointed at the mock upstream), so a plugin that reads variables of its own naming
 * (`ACME_BASE_URL`) gets the same values as one that reads LOOM_CONFIG_*. Other text,
 * and references to names not set, are left as they are.
 */
export function expandConfigReferences(env: Record<string, string>, config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(/\$\{(LOOM_CONFIG_[A-Z0-9_]+)\}/g, (reference, name: string) => config[name] ?? reference);
  }
  return out;
}
