/**
 * Under `dev`, a saved plugin.yaml brings its plugin.json twin along (what `loom-plugin
 * sync` does, without the fixes: dev never rewrites the file an editor has open). Only a
 * twin that exists is rewritten, and only from a YAML manifest without errors; anything
 * else is left for the reload's validation to report.
 */
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { JSON_TWIN_NAME } from '../manifest/json-twin.js';
import { syncPlugin } from '../sync/sync-plugin.js';

const YAML_NAMES = new Set(['plugin.yaml', 'plugin.yml']);

/** Returns the files written (so the watcher can ignore its own writes). */
export async function followYamlManifest(dir: string, changed: readonly string[], cwd: string, signal?: AbortSignal): Promise<string[]> {
  if (!changed.some((file) => dirname(file) === dir && YAML_NAMES.has(basename(file)))) return [];
  try {
    await access(join(dir, JSON_TWIN_NAME));
    const result = await syncPlugin(dir, { cwd, noFixes: true, ...(signal ? { signal } : {}) });
    return result.written;
  } catch {
    return []; // no twin, or a manifest the reload will report on
  }
}
