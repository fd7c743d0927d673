/**
 * Moving a rendered scaffold from its temporary folder into place.
 *
 * - New or empty target: one rename of the whole folder (atomic on one file system), so
 *   an interrupted run leaves either nothing or the complete scaffold.
 * - Existing non-empty target (--force): files move in one by one. A user file in the way
 *   is never deleted: identical content is left alone, anything else is renamed to
 *   `<name>.bak` (`.bak.1`, ...) first. Symbolic links inside the target are never
 *   followed (they are moved aside like files), so nothing is written outside it.
 */
import { lstat, mkdir, readdir, readFile, rename, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { LoomPluginError } from '../errors.js';
import type { ScaffoldBackup } from './types.js';

export type TargetState = 'missing' | 'empty' | 'non-empty';

/** Looks at the target without following a symbolic link at its place. */
export async function inspectTarget(target: string): Promise<TargetState> {
  let stats;
  try {
    stats = await lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (stats.isSymbolicLink()) {
    throw new LoomPluginError('E_TARGET_EXISTS', `${target} is a symbolic link; loom-plugin init does not write through links.`, {
      hint: 'Choose another name, or pass --directory with the real folder.',
    });
  }
  if (!stats.isDirectory()) {
    throw new LoomPluginError('E_TARGET_EXISTS', `${target} already exists and is not a folder.`, {
      hint: 'Choose another name, or pass --directory to create the plugin somewhere else.',
    });
  }
  return (await readdir(target)).length === 0 ? 'empty' : 'non-empty';
}

function targetExists(target: string): LoomPluginError {
  return new LoomPluginError('E_TARGET_EXISTS', `${target} already exists and is not empty.`, {
    hint: 'Choose another name, or pass --force to add the template files to it (your files are kept; any file in the way is renamed to .bak).',
  });
}

/** Moves the temporary folder to a missing or empty target in one rename. */
export async function moveWholeFolder(tempDir: string, target: string): Promise<void> {
  try {
    // POSIX rename replaces an empty folder; a non-empty one fails with ENOTEMPTY/EEXIST.
    await rename(tempDir, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw targetExists(target);
    if (code === 'EPERM' || code === 'EACCES') {
      // Windows cannot rename onto an existing folder: remove it only if still empty.
      if ((await inspectTarget(target)) !== 'empty') throw targetExists(target);
      await rmdir(target);
      await rename(tempDir, target);
      return;
    }
    throw error;
  }
}

/** Enough for any real folder; the bound keeps a hostile or odd file system from looping forever. */
const MAX_BACKUPS = 1000;

async function freeBackupName(path: string): Promise<string> {
  for (let i = 0; i < MAX_BACKUPS; i += 1) {
    const candidate = i === 0 ? `${path}.bak` : `${path}.bak.${i}`;
    try {
      await lstat(candidate);
    } catch {
      return candidate;
    }
  }
  throw new LoomPluginError('E_FILE_WRITE', `${path} already has ${MAX_BACKUPS} backups (.bak, .bak.1, ...); no free name for another.`, {
    hint: 'Remove old .bak files, or create the plugin in a new folder.',
  });
}

async function sameContent(existing: string, incoming: string): Promise<boolean> {
  const [a, b] = await Promise.all([readFile(existing), readFile(incoming)]);
  return a.equals(b);
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch {
    return undefined;
  }
}

/** Merges the temporary folder's files into an existing target (the --force path). */
export async function mergeIntoFolder(
  tempDir: string,
  target: string,
  files: readonly string[],
): Promise<{ backups: ScaffoldBackup[]; unchanged: string[] }> {
  const backups: ScaffoldBackup[] = [];
  const unchanged: string[] = [];
  const moveAside = async (path: string): Promise<void> => {
    const backup = await freeBackupName(path);
    await rename(path, backup);
    backups.push({ file: relative(target, path).split(sep).join('/'), backup: relative(target, backup).split(sep).join('/') });
  };
  // Every folder on the way must be a real folder inside the target, never a link or a file.
  const ensureFolder = async (folder: string): Promise<void> => {
    if (folder === target) return;
    await ensureFolder(dirname(folder));
    const stats = await lstatOrUndefined(folder);
    if (stats?.isDirectory()) return;
    if (stats) await moveAside(folder);
    await mkdir(folder);
  };
  for (const file of files) {
    const source = join(tempDir, file);
    const dest = join(target, file);
    await ensureFolder(dirname(dest));
    const stats = await lstatOrUndefined(dest);
    if (stats) {
      if (stats.isFile() && (await sameContent(dest, source))) {
        unchanged.push(file);
        continue;
      }
      await moveAside(dest);
    }
    await rename(source, dest);
  }
  return { backups, unchanged };
}
