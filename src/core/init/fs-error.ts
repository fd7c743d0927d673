/**
 * Ordinary file-system failures of `init` (a --directory that is a file, no permission, a
 * read-only or full disk) as one sentence and a hint, instead of "Internal error": the
 * user caused them and can fix them.
 */
import { dirname } from 'node:path';
import { LoomPluginError } from '../errors.js';

const REASONS: Record<string, { reason: string; hint: string }> = {
  EACCES: { reason: 'permission denied', hint: 'Pass --directory with a folder you can write to, or fix its permissions.' },
  EPERM: { reason: 'the operation is not permitted', hint: 'Pass --directory with a folder you can write to, or fix its permissions.' },
  EROFS: { reason: 'the file system is read-only', hint: 'Pass --directory with a folder on a writable disk.' },
  ENOTDIR: { reason: 'a part of the path is a file, not a folder', hint: 'Pass --directory with a folder, or a path where a folder can be created.' },
  EISDIR: { reason: 'a folder is where a file should go', hint: 'Move the folder away, or create the plugin in a new folder.' },
  ENOSPC: { reason: 'the disk is full', hint: 'Free some disk space and run init again.' },
  EDQUOT: { reason: 'your disk quota is used up', hint: 'Free some disk space and run init again.' },
  ENAMETOOLONG: { reason: 'the path is too long', hint: 'Pass --directory with a shorter path.' },
  ELOOP: { reason: 'the path has a loop of symbolic links', hint: 'Pass --directory with the real folder.' },
  EMFILE: { reason: 'too many files are open', hint: 'Close other programs or raise the open-file limit (ulimit -n), then run init again.' },
};

/** The reason and hint for an errno code, when it is one a user can fix; shared with make-folders. */
export function fileSystemReason(code: string): { reason: string; hint: string } | undefined {
  return REASONS[code];
}

/** True for a Node file-system error (an errno code such as EACCES). */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** `Cannot create the plugin in <target>: permission denied (<path>).` with a hint for the code. */
export function initFileSystemError(error: NodeJS.ErrnoException, target: string): LoomPluginError {
  const code = error.code ?? 'EIO';
  const known = REASONS[code];
  // The scaffold is written to a hidden temporary folder first; name its parent instead.
  const path = error.path?.includes('.loom-init-') ? dirname(error.path) : error.path;
  const where = path && path !== target ? ` (${path})` : '';
  return new LoomPluginError('E_FILE_WRITE', `Cannot create the plugin in ${target}: ${known?.reason ?? `the file system said ${code}`}${where}.`, {
    hint: known?.hint ?? 'Check the path given with --directory and its permissions.',
    details: { path: error.path ?? target, errno: code },
    cause: error,
  });
}
