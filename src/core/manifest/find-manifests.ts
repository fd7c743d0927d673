/**
 * Which manifests a path argument means, found the way the Loom host finds them: files
 * named exactly plugin.yaml, plugin.yml or plugin.json, anywhere below a folder. Folders
 * that hold other people's code (node_modules, .git, Python virtual environments,
 * __pycache__) are skipped: their manifests are not the user's.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { LoomPluginError } from '../errors.js';
import { MANIFEST_FILE_NAMES } from '../protocol.js';

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', 'virtualenvs', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache']);
const MANIFEST_NAMES = new Set<string>(MANIFEST_FILE_NAMES);

export function isManifestFileName(name: string): boolean {
  return MANIFEST_NAMES.has(name);
}

/** Depth-first, synchronous: listing small folders directly is far cheaper than via the thread pool. */
function walk(dir: string, found: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // an unreadable subfolder is not the user's manifest; skip it like the host does
  }
  // A folder with pyvenv.cfg is a virtual environment, whatever its name.
  if (entries.some((entry) => entry.name === 'pyvenv.cfg' && entry.isFile())) return;
  const subdirs: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) subdirs.push(full);
    } else if (isManifestFileName(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
      found.push(full);
    }
  }
  for (const sub of subdirs) walk(sub, found);
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
  const targets = (paths.length === 0 ? ['.'] : paths).map((path) => resolve(cwd, path));
  const found: string[] = [];
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
      walk(target, found);
    } else {
      found.push(target);
    }
  }
  if (found.length === 0) {
    const where = searched.map((dir) => shown(dir, cwd)).join(', ');
    throw new LoomPluginError('E_NO_MANIFEST', `No plugin.yaml, plugin.yml or plugin.json found in ${where} (searched recursively, skipping node_modules, .git and virtual environments).`, {
      hint: 'Run loom-plugin init to create a plugin, or pass the path of a manifest.',
      details: { searched },
    });
  }
  return [...new Set(found)].sort();
}
