/**
 * The manifest of ONE plugin, for `test` and `dev`: a manifest file, or a plugin folder
 * holding exactly one manifest at its top. Unlike findManifests this does not search
 * subfolders: a plugin folder with two manifests is ambiguous, and we say so — except a
 * plugin.json twin of the YAML one (docs/protocol.md's workaround for the shipped host's
 * YAML defect), which is the same plugin as long as the two agree.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LoomPluginError } from '../errors.js';
import { MANIFEST_FILE_NAMES } from '../protocol.js';
import { assertManifestFile } from './find-manifests.js';
import { checkManifestFile } from '../validate/check-manifest.js';
import type { ManifestFileResult } from './types.js';

/** Reads and validates one plugin's manifest. `manifest` is set only when there are no errors. */
export async function loadPluginManifest(dirOrFile: string, cwd: string): Promise<ManifestFileResult> {
  const target = resolve(cwd, dirOrFile);
  // Outside the working folder the absolute path reads better than ../../../path.
  const rel = relative(cwd, target);
  const shown = rel === '' ? '.' : rel.startsWith('..') ? target : rel;
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
  if (!info.isDirectory()) {
    assertManifestFile(target, shown);
    return checkManifestFile(target);
  }
  const names = new Set(await readdir(target));
  const present = MANIFEST_FILE_NAMES.filter((name) => names.has(name));
  if (present.length === 0) {
    throw new LoomPluginError('E_NO_MANIFEST', `No plugin.yaml, plugin.yml or plugin.json in ${shown === '.' ? 'the current folder' : shown}.`, {
      hint: 'Pass the plugin folder (the one with the manifest), or run loom-plugin init to create a plugin.',
      details: { searched: [target] },
    });
  }
  const twin = await jsonTwin(target, shown, present);
  if (twin) return twin;
  if (present.length > 1) {
    throw new LoomPluginError('E_CONFIG', `${shown} holds several manifests (${present.join(', ')}); it is unclear which one to use.`, {
      hint: `Keep one of them, or pass the file, e.g. ${join(shown, present[0] ?? 'plugin.yaml')}.`,
      details: { manifests: present.map((name) => join(target, name)) },
    });
  }
  return checkManifestFile(join(target, present[0] ?? 'plugin.yaml'));
}

/**
 * A YAML manifest with a plugin.json beside it: the YAML one (the file authors edit, so
 * findings point into it) when both are valid and say the same; the one with findings
 * when either has some; a usage error when both are valid but differ.
 */
async function jsonTwin(target: string, shown: string, present: string[]): Promise<ManifestFileResult | undefined> {
  const yamlName = present.find((name) => name !== 'plugin.json');
  if (present.length !== 2 || !present.includes('plugin.json') || !yamlName) return undefined;
  const yaml = await checkManifestFile(join(target, yamlName));
  const json = await checkManifestFile(join(target, 'plugin.json'));
  if (!yaml.manifest) return yaml;
  if (!json.manifest) return json;
  if (isDeepStrictEqual(yaml.manifest, json.manifest)) return yaml;
  throw new LoomPluginError('E_CONFIG', `${join(shown, yamlName)} and ${join(shown, 'plugin.json')} describe different plugins; the shipped host loads plugin.json.`, {
    hint: `Run loom-plugin sync${shown === '.' ? '' : ` ${shown}`} to write plugin.json from ${yamlName}.`,
    details: { manifests: [join(target, yamlName), join(target, 'plugin.json')] },
  });
}
