/**
 * The manifest of ONE plugin, for `test` and `dev`: a manifest file, or a plugin folder
 * holding exactly one manifest at its top. Unlike findManifests this does not search
 * subfolders: a plugin folder with two manifests is ambiguous, and we say so.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { LoomPluginError } from '../errors.js';
import { MANIFEST_FILE_NAMES } from '../protocol.js';
import { checkManifestFile } from '../validate/check-manifest.js';
import type { ManifestFileResult } from './types.js';

/** Reads and validates one plugin's manifest. `manifest` is set only when there are no errors. */
export async function loadPluginManifest(dirOrFile: string, cwd: string): Promise<ManifestFileResult> {
  const target = resolve(cwd, dirOrFile);
  const shown = relative(cwd, target) || '.';
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LoomPluginError('E_FILE_READ', `${shown} does not exist${code && code !== 'ENOENT' ? ` or cannot be read (${code})` : ''}.`, {
      hint: 'Pass a plugin folder or its manifest file.',
      details: { path: target },
    });
  }
  if (!info.isDirectory()) return checkManifestFile(target);
  const names = new Set(await readdir(target));
  const present = MANIFEST_FILE_NAMES.filter((name) => names.has(name));
  if (present.length === 0) {
    throw new LoomPluginError('E_NO_MANIFEST', `No plugin.yaml, plugin.yml or plugin.json in ${shown}.`, {
      hint: 'Pass the plugin folder (the one with the manifest), or run loom-plugin init to create a plugin.',
      details: { searched: [target] },
    });
  }
  if (present.length > 1) {
    throw new LoomPluginError('E_CONFIG', `${shown} holds several manifests (${present.join(', ')}); it is unclear which one to use.`, {
      hint: `Keep one of them, or pass the file, e.g. ${join(shown, present[0] ?? 'plugin.yaml')}.`,
      details: { manifests: present.map((name) => join(target, name)) },
    });
  }
  return checkManifestFile(join(target, present[0] ?? 'plugin.yaml'));
}
