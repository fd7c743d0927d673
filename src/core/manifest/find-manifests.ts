/**
 * Which manifests a path argument means, found the way the Loom host finds them: files
 * named exactly plugin.yaml, plugin.yml or plugin.json, anywhere below a folder. Folders
 * that hold other people's code (node_modules, .git, Python virtual environments,
 * __pycache__) are skipped: their manifests are not the user's. What the search had to
 * pass over without meaning to (a folder it cannot read, a FIFO or socket with a
 * manifest name) is returned too, so `validate` can say so instead of staying silent.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { LoomPluginError } from '../errors.js';
import { MANIFEST_FILE_NAMES } from '../protocol.js';

/** Folder names the search never enters (also refused as plugin names by init). */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', 'virtualenvs', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache']);
const MANIFEST_NAMES = new Set<string>(MANIFEST_FILE_NAMES);

export function isManifestFileName(name: string): boolean {
  return MANIFEST_NAMES.has(name);
}

/** Something the search passed over: a folder it could not list, a manifest name that is no file. */
export interface SkippedEntry {
  path: string;
  kind: 'folder' | 'special-file';
  /** Why, in words: the errno code or the kind of file. */
  reason: string;
}

function specialKind(entry: Dirent): string | undefined {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  return undefined;
}

/**
 * `dir` + name as path.join gives it, for a folder path that is already absolute and
 * normalised (resolve() made it so) and a name from readdir (never empty, never `.`,
 * `..` or holding a separator): join() normalises the whole path again on every call.
 */
function childPath(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * Depth-first, synchronous: listing small folders directly is far cheaper than via the
 * thread pool. One pass over each listing (a 1,000-plugin tree has 1,000 of them).
 */
function walk(dir: string, found: string[], skipped: SkippedEntry[], withoutJson: Set<string>): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    // Skipped like the host skips it, but not silently: a plugin may be in there.
    skipped.push({ path: dir, kind: 'folder', reason: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
    return;
  }
  let subdirs: string[] | undefined;
  let files: string[] | undefined;
  let specials: SkippedEntry[] | undefined;
  let json = false;
  for (const entry of entries) {
    const name = entry.name;
    // A folder with pyvenv.cfg is a virtual environment, whatever its name: nothing in it counts.
    if (name === 'pyvenv.cfg' && entry.isFile()) return;
    if (name === 'plugin.json') json = true;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) (subdirs ??= []).push(childPath(dir, name));
    } else if (isManifestFileName(name)) {
      const special = specialKind(entry);
      // Opening a FIFO could block; the host skips anything but a file, so say so and move on.
      if (special) (specials ??= []).push({ path: childPath(dir, name), kind: 'special-file', reason: special });
      else if (entry.isFile() || entry.isSymbolicLink()) (files ??= []).push(childPath(dir, name));
    }
  }
  if (!json) withoutJson.add(dir);
  if (files) found.push(...files);
  if (specials) skipped.push(...specials);
  if (subdirs) for (const sub of subdirs) walk(sub, found, skipped, withoutJson);
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * A file passed by name must at least be YAML or JSON: `validate README.md` parsed as
 * YAML gives eight findings about Markdown, when the one thing to say is what to pass.
 */
export function assertManifestFile(file: string, shownAs: string): void {
  const name = basename(file);
  if (isManifestFileName(name) || MANIFEST_EXTENSIONS.test(name)) return;
  throw new LoomPluginError('E_NOT_MANIFEST', `${shownAs} is not a plugin manifest: manifests are YAML or JSON files named plugin.yaml, plugin.yml or plugin.json.`, {
    hint: `Pass the plugin folder (here: ${dirname(shownAs)}) or its plugin.yaml.`,
    details: { path: file },
  });
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/**
 * Manifest files for the given paths (none = cwd): files are taken as given, folders are
 * searched recursively. Absolute, de-duplicated, sorted.
 */
export async function findManifests(paths: string[], cwd: string): Promise<string[]> {
  return (await searchManifests(paths, cwd)).files;
}

/**
 * findManifests, plus what the search passed over (unreadable folders, FIFOs named
 * plugin.yaml), and the folders it listed that hold nothing named plugin.json (so a
 * caller asking "is there a plugin.json beside it?" need not ask the file system again).
 */
export async function searchManifests(paths: string[], cwd: string): Promise<{ files: string[]; skipped: SkippedEntry[]; withoutJson: ReadonlySet<string> }> {
  const targets = (paths.length === 0 ? ['.'] : paths).map((path) => resolve(cwd, path));
  const found: string[] = [];
  const skipped: SkippedEntry[] = [];
  const withoutJson = new Set<string>();
  const searched: string[] = [];
  for (const target of targets) {
    let info;
    try {
      info = await stat(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new LoomPluginError('E_FILE_READ', `${shown(target, cwd)} does not exist${code && code !== 'ENOENT' ? ` or cannot be read (${code})` : ''}.`, {
        hint: 'Pass a manifest file or a folder that contains one.',
        details: { path: target },
      });
    }
    if (info.isDirectory()) {
      searched.push(target);
      walk(target, found, skipped, withoutJson);
    } else {
      assertManifestFile(target, shown(target, cwd));
      found.push(target);
    }
  }
  if (found.length === 0) {
    const where = searched.map((dir) => shown(dir, cwd)).join(', ');
    const passed = skipped.map((entry) => `${shown(entry.path, cwd)} (${entry.reason})`);
    throw new LoomPluginError('E_NO_MANIFEST', `No plugin.yaml, plugin.yml or plugin.json found in ${where} (searched recursively, skipping node_modules, .git and virtual environments).`, {
      hint: passed.length > 0
        ? `These could not be searched: ${passed.slice(0, 5).join(', ')}${passed.length > 5 ? ', ...' : ''}. Fix their permissions, or pass the path of a manifest.`
        : 'Run loom-plugin init to create a plugin, or pass the path of a manifest.',
      details: { searched, ...(skipped.length > 0 ? { skipped } : {}) },
    });
  }
  return { files: [...new Set(found)].sort(), skipped, withoutJson };
}
