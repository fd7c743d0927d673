/**
 * Which plugins `dev` hosts. A plugin folder (or manifest file) is hosted as given. A
 * folder of plugins is read the way Loom discovers them: every plugin.yaml/.yml/.json
 * below it, only `auto_start: true` ones, keyed by provider_type, and a second plugin
 * with a provider_type already taken is refused (as the host refuses it).
 */
import { stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LoomPluginError } from '../errors.js';
import { MANIFEST_FILE_NAMES } from '../protocol.js';
import { searchManifests } from '../manifest/find-manifests.js';
import { loadPluginManifest } from '../manifest/load-plugin-manifest.js';
import { checkManifestFile } from '../validate/check-manifest.js';
import type { ManifestFileResult } from '../manifest/types.js';

export interface DiscoveredPlugin {
  key: string;
  result: ManifestFileResult;
  /** Set when the host would refuse it: the provider_type is taken by `refusedBy`. */
  refusedBy?: string;
}

export interface Discovery {
  /** Several plugins (a folder of plugins): config files are read per provider_type. */
  multi: boolean;
  plugins: DiscoveredPlugin[];
  /** Valid manifests left out because auto_start is not true. */
  skipped: string[];
  /** What the search passed over, as "path (reason)": unreadable folders, FIFOs named plugin.yaml. */
  notSearched: string[];
}

export async function discoverPlugins(path: string, cwd: string): Promise<Discovery> {
  const target = resolve(cwd, path);
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new LoomPluginError('E_FILE_READ', `${path} does not exist.`, { hint: 'Pass a plugin folder, a plugin.yaml, or a folder of plugins.' });
  }
  const single = info.isFile() || MANIFEST_FILE_NAMES.some((name) => existsSync(join(target, name)));
  if (single) {
    const result = await loadPluginManifest(target, cwd);
    return { multi: false, plugins: [{ key: keyOf(result, cwd), result }], skipped: [], notSearched: [] };
  }

  const { files, skipped: passedOver } = await searchManifests([target], cwd);
  const notSearched = passedOver.map((entry) => `${relative(cwd, entry.path) || '.'} (${entry.reason})`);
  const results = await Promise.all(files.map((file) => checkManifestFile(file)));
  const plugins: DiscoveredPlugin[] = [];
  const skipped: string[] = [];
  const owners = new Map<string, ManifestFileResult>();
  for (const result of results) {
    const manifest = result.manifest;
    if (manifest && manifest.auto_start !== true) {
      skipped.push(relative(cwd, result.file));
      continue;
    }
    const providerType = manifest?.metadata.provider_type;
    const owner = providerType ? owners.get(providerType) : undefined;
    // A plugin.json twin of a plugin.yaml (the workaround for the shipped host's YAML
    // defect) is the same plugin, not a second one to refuse.
    if (owner && owner.dir === result.dir && isDeepStrictEqual(owner.manifest, manifest)) continue;
    if (providerType && owner !== undefined) {
      plugins.push({ key: `${providerType}#${relative(cwd, result.dir)}`, result, refusedBy: relative(cwd, owner.file) });
      continue;
    }
    if (providerType) owners.set(providerType, result);
    plugins.push({ key: keyOf(result, cwd), result });
  }
  return { multi: true, plugins, skipped, notSearched };
}

function keyOf(result: ManifestFileResult, cwd: string): string {
  return result.manifest?.metadata.provider_type ?? (relative(cwd, result.dir) || '.');
}
