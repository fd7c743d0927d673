/**
 * `mkdir -p` with a bound, for `init --directory`.
 *
 * Why not `mkdir(path, { recursive: true })`: Node's recursive mkdir retries in native
 * code while creating a folder fails with ENOENT and its parent exists. Under /proc
 * (`/proc/self/x`) that is forever: a thread-pool thread spins, the promise never
 * settles, and Ctrl+C cannot end the run. Here every folder is created once, one level at
 * a time, with the abort signal checked between levels, and any failure is one sentence.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import { fileSystemReason } from './fs-error.js';

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
}

function cannotCreate(folder: string, code: string): LoomPluginError {
  // ENOENT with the parent there: a file system (/proc) that does not allow the folder.
  const known = code === 'ENOENT' ? { reason: 'this file system does not allow creating it', hint: 'Pass --directory with a folder you can write to.' } : fileSystemReason(code);
  return new LoomPluginError('E_FILE_WRITE', `Cannot create the folder ${folder}: ${known?.reason ?? code}.`, {
    hint: known?.hint ?? 'Pass --directory with a folder you can write to.',
    details: { path: folder, errno: code },
  });
}

/** The folders to create below the nearest existing ancestor, top first. */
async function missingFolders(folder: string): Promise<string[]> {
  const missing: string[] = [];
  // Each step goes one level up, so the loop ends at the root at the latest.
  for (let current = folder; ; current = dirname(current)) {
    try {
      // stat, not lstat: a link to a folder is a folder here (init checks the target itself).
      const stats = await stat(current);
      if (!stats.isDirectory()) {
        throw new LoomPluginError('E_FILE_WRITE', `Cannot create the folder ${folder}: ${current} is a file, not a folder.`, {
          hint: 'Pass --directory with a folder, or a path where a folder can be created.',
          details: { path: current },
        });
      }
      return missing.reverse();
    } catch (error) {
      if (error instanceof LoomPluginError) throw error;
      const code = errnoCode(error);
      // ENOTDIR: a file further up; walking on finds it and names it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw cannotCreate(current, code);
      missing.push(current);
      if (dirname(current) === current) throw cannotCreate(current, code);
    }
  }
}

/**
 * Creates `folder` and any missing parents. Returns the first folder it created (the
 * one to remove again on failure), or undefined when the folder already existed.
 */
export async function makeFolders(folder: string, signal?: AbortSignal): Promise<string | undefined> {
  const missing = await missingFolders(folder);
  for (const level of missing) {
    throwIfAborted(signal);
    try {
      await mkdir(level);
    } catch (error) {
      const code = errnoCode(error);
      // Someone else created it meanwhile: fine if it is a folder.
      if (code === 'EEXIST' && (await stat(level).catch(() => undefined))?.isDirectory()) continue;
      throw cannotCreate(level, code);
    }
  }
  return missing[0];
}
