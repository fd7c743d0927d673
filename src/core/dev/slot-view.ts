/** The dashboard's and the management API's picture of one slot: plain data, no secrets. */
import { relative } from 'node:path';
import type { Manifest } from '../manifest/types.js';
import type { PluginSlot } from './plugin-slot.js';
import type { PluginView } from './types.js';

/** Resolved values of the non-sensitive fields, for the playground's /initialize form. */
export function publicConfigValues(manifest: Manifest | undefined, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of manifest?.metadata.config_schema ?? []) {
    if (!field.sensitive && Object.hasOwn(values, field.name)) out[field.name] = values[field.name];
  }
  return out;
}

export function slotView(slot: PluginSlot, cwd: string, configValues: Record<string, unknown>): PluginView {
  const manifest = slot.manifest;
  const metadata = slot.active?.metadata;
  const capabilities = (metadata?.capabilities ?? manifest?.metadata.capabilities ?? {}) as Record<string, boolean>;
  return {
    key: slot.key,
    providerType: slot.providerType,
    name: (metadata?.name as string | undefined) ?? manifest?.metadata.name,
    dir: relative(cwd, slot.dir) || '.',
    manifestFile: relative(cwd, slot.file),
    state: slot.state,
    stateMessage: slot.stateMessage,
    pid: slot.active?.pid,
    port: slot.active?.port,
    generation: slot.generation,
    healthCheckIntervalMs: slot.healthIntervalMs,
    metadata,
    capabilities,
    models: slot.active?.models ?? [],
    health: [...slot.health],
    diagnostics: slot.diagnostics,
    missingConfig: slot.missingConfig,
    configSources: slot.configSources,
    configSchema: manifest?.metadata.config_schema ?? [],
    configValues,
    lastAttempt: slot.lastAttempt,
    restarts: slot.restarts,
  };
}
