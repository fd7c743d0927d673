/**
 * `sync`: make a plugin folder's manifests agree with the one its author edits.
 *
 *   1. the safe fixes `validate` attaches to findings (did-you-mean key renames, a
 *      missing auto_start, a trailing "/" on endpoint) are applied to plugin.yaml;
 *   2. plugin.json is written from plugin.yaml (the shipped host reads only the JSON one).
 *
 * With `check`, nothing is written: the result says what would change. When errors
 * remain after the fixes nothing is written either: a broken manifest is not copied.
 * Writes go to a temporary file renamed into place, so Ctrl+C never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import { differingPaths, JSON_TWIN_NAME, jsonTwinOf } from '../manifest/json-twin.js';
import { readManifestBytes } from '../manifest/read-manifest-file.js';
import type { Diagnostic } from '../manifest/types.js';
import { analyzeManifestText, checkManifestText } from '../validate/check-manifest.js';
import { applyFixes, fixesOf } from './apply-fixes.js';

export interface SyncChange {
  /** Absolute path of the file changed (or that would be). */
  file: string;
  summary: string;
  /** Line of the finding a fix came from. */
  line?: number;
}

export interface SyncResult {
  /** The manifest the author edits (absolute). */
  source: string;
  changes: SyncChange[];
  /** Fixes that were not safe to make here, with why. */
  skipped: SyncChange[];
  /** Errors left after the fixes; when non-empty nothing was written. */
  errors: Diagnostic[];
  /** Files actually written (empty under `check`). */
  written: string[];
  /**
   * Only with a plugin.json source: the plugin.yaml or plugin.yml beside it, if any. None
   * means plugin.json is the plugin's only manifest: there is nothing to write it from.
   */
  yamlBeside?: string | undefined;
}

export interface SyncPluginOptions {
  cwd: string;
  /** Report what would change; write nothing. */
  check?: boolean;
  /** Leave plugin.yaml as it is and only regenerate plugin.json (what `dev` does on save). */
  noFixes?: boolean;
  signal?: AbortSignal;
}

async function yamlManifestIn(dir: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const name = ['plugin.yaml', 'plugin.yml'].find((candidate) => names.includes(candidate));
  return name === undefined ? undefined : join(dir, name);
}

/** The manifest an author edits in a folder: plugin.yaml / plugin.yml, else plugin.json. */
async function sourceManifest(target: string, shown: string): Promise<string> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new LoomPluginError('E_FILE_READ', `${shown} does not exist.`, { hint: 'Pass a plugin folder or its plugin.yaml.', details: { path: target } });
  }
  if (!info.isDirectory()) return target;
  const names = new Set(await readdir(target));
  const yaml = ['plugin.yaml', 'plugin.yml'].filter((name) => names.has(name));
  if (yaml.length > 1) {
    throw new LoomPluginError('E_CONFIG', `${shown} holds both plugin.yaml and plugin.yml; it is unclear which one to sync from.`, { hint: 'Delete one of them.' });
  }
  const chosen = yaml[0] ?? (names.has(JSON_TWIN_NAME) ? JSON_TWIN_NAME : undefined);
  if (!chosen) {
    throw new LoomPluginError('E_NO_MANIFEST', `No plugin.yaml, plugin.yml or plugin.json in ${shown === '.' ? 'the current folder' : shown}.`, {
      hint: 'Pass the plugin folder (the one with the manifest), or run loom-plugin init to create a plugin.',
      details: { searched: [target] },
    });
  }
  return join(target, chosen);
}

/**
 * A manifest read the way validate, test and dev read one: stat first, so a file over the
 * limit is refused without being read whole (parsing and fixing one took minutes of
 * blocked event loop), and a FIFO is refused instead of hanging sync. Both the source and
 * an existing plugin.json go through here: a FIFO named plugin.json hung `sync --check`.
 * `undefined`: the file does not exist (allowed for plugin.json only).
 */
async function readGuarded(file: string, optional: boolean): Promise<string | undefined> {
  const read = await readManifestBytes(file);
  if (read.ok) return Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength).toString('utf8');
  if (optional && read.missing) return undefined;
  const name = basename(file);
  const message = read.rule === 'file/too-large' ? `${name} is over 1 MiB; manifests that large are not read.` : `${name}: ${read.message}`;
  // An existing plugin.json that is not a manifest-sized regular file is replaced by
  // sync only after the author moved it away: it may be something else entirely.
  const hint = optional ? `sync writes ${name} from the manifest; move the one that is there away (or delete it) and run sync again.` : read.hint;
  throw new LoomPluginError('E_FILE_READ', message, { hint, details: { path: file } });
}

/**
 * Written next to the real file and renamed over it: a symlinked manifest (shared between
 * plugins, say) is updated where it lives instead of being replaced by a copy, and the
 * file keeps its permissions (a 0600 manifest does not become world-readable). A file
 * made read-only is the author's "do not touch": refused, not overwritten.
 */
async function writeTarget(file: string): Promise<{ target: string; mode: number | undefined }> {
  const target = await realpath(file).catch(() => file);
  const mode = await stat(target).then((info) => info.mode & 0o7777, () => undefined);
  if (mode !== undefined && (mode & 0o200) === 0) {
    throw new LoomPluginError('E_FILE_WRITE', `${basename(file)} is read-only, so sync left it as it is.`, {
      hint: `Make it writable (chmod u+w ${basename(file)}) and run sync again, or use --check to see what would change.`,
      details: { path: file },
    });
  }
  return { target, mode };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const { target, mode } = await writeTarget(file);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new LoomPluginError('E_FILE_WRITE', `Cannot write ${basename(file)}: ${(error as Error).message}.`, { hint: 'Check the folder is writable.', details: { path: file } });
  }
}

/** What plugin.json would become, and how it differs from what is there. */
function twinChange(twin: string, before: string | undefined, after: string, sourceName: string): SyncChange | undefined {
  if (before === after) return undefined;
  if (before === undefined) return { file: twin, summary: `created from ${sourceName}` };
  let paths: string[];
  try {
    paths = differingPaths(JSON.parse(before), JSON.parse(after));
  } catch {
    return { file: twin, summary: `rewritten from ${sourceName} (it was not valid JSON)` };
  }
  if (paths.length === 0) return { file: twin, summary: `reformatted as ${sourceName} gives it` };
  return { file: twin, summary: `written from ${sourceName} (${paths.length >= 5 ? `${paths.slice(0, 4).join(', ')}, ...` : paths.join(', ')})` };
}

export async function syncPlugin(dirOrFile: string, options: SyncPluginOptions): Promise<SyncResult> {
  const target = resolve(options.cwd, dirOrFile);
  const source = await sourceManifest(target, dirOrFile);
  const original = (await readGuarded(source, false)) ?? '';
  const json = extname(source).toLowerCase() === '.json';

  // One parse of the text: the check's data gives plugin.json, and its source tree says
  // where the fixes go. Only a fixed text is parsed again (to check what it became).
  const analysis = await analyzeManifestText(original, source, { keepSource: true });
  const before = analysis.result;
  const fixes = options.noFixes ? [] : fixesOf(before.diagnostics);
  const fixed = fixes.length > 0 && analysis.source ? applyFixes(analysis.source, json, fixes) : { text: original, applied: [], skipped: [] };
  const after = fixed.text === original ? before : await checkManifestText(fixed.text, source);
  const result: SyncResult = {
    source,
    changes: fixed.applied.map((item) => ({ file: source, summary: item.summary, ...(item.line ? { line: item.line } : {}) })),
    skipped: fixed.skipped.map((item) => ({ file: source, summary: item.reason, line: item.line })),
    errors: after.diagnostics.filter((d) => d.severity === 'error'),
    written: [],
    ...(json ? { yamlBeside: await yamlManifestIn(dirname(source)) } : {}),
  };
  if (result.errors.length > 0) return result;

  const twin = join(dirname(source), JSON_TWIN_NAME);
  const writes: Array<[string, string]> = [];
  if (fixed.text !== original) writes.push([source, fixed.text]);
  if (!json) {
    // The data the check parsed (it equals yaml's parse; a property test holds the fast
    // reader to that), so the manifest is not parsed a second time for its twin.
    const twinText = jsonTwinOf(after.manifest);
    const change = twinChange(twin, await readGuarded(twin, true), twinText, basename(source));
    if (change) {
      result.changes.push(change);
      writes.push([twin, twinText]);
    }
  }
  if (options.check) return result;
  // Every file is checked before the first is written: never one twin without the other.
  for (const [file] of writes) await writeTarget(file);
  throwIfAborted(options.signal);
  for (const [file, text] of writes) {
    await writeAtomically(file, text);
    result.written.push(file);
  }
  return result;
}
