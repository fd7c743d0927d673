/**
 * Reads a manifest's bytes safely: stat first (a folder named plugin.yaml, a 2 GB file,
 * a FIFO are findings, not hangs or out-of-memory), then read.
 *
 * The reads are synchronous on purpose: a manifest is a few KiB, and for 1,000 files
 * open/fstat/read/close through the thread pool cost 4-8 times the CPU of the same
 * calls made directly (measured: bench/validate.mjs). Callers stay async and yield
 * between files, so Ctrl+C is still seen.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export const MAX_MANIFEST_BYTES = 1024 * 1024;

export type ReadResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; rule: 'file/unreadable' | 'file/too-large'; message: string; hint: string; missing?: true };

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
}

/** readManifestBytesSync for callers that await: the same answer. */
export async function readManifestBytes(file: string): Promise<ReadResult> {
  return readManifestBytesSync(file);
}

/**
 * The reading itself. validate calls it directly for each of its files: an async function
 * per file is a promise and a turn of the microtask queue more, for nothing to wait on.
 */
export function readManifestBytesSync(file: string): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK keeps a FIFO named plugin.yaml from blocking the open.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { ok: false, rule: 'file/unreadable', message: 'The file does not exist (any more).', hint: 'Check the path.', missing: true };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, rule: 'file/unreadable', message: 'The file cannot be read: permission denied.', hint: 'Give your user read permission (chmod u+r).' };
    return { ok: false, rule: 'file/unreadable', message: `The file cannot be opened (${code}).`, hint: 'Check the path and its permissions.' };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, rule: 'file/unreadable', message: 'This is a folder, not a manifest file.', hint: 'Rename the folder, or pass the plugin folder that holds the manifest.' };
    if (!stat.isFile()) return { ok: false, rule: 'file/unreadable', message: 'This is not a regular file.', hint: 'A manifest must be a regular file.' };
    if (stat.size > MAX_MANIFEST_BYTES) {
      return { ok: false, rule: 'file/too-large', message: `The file is ${(stat.size / 1024 / 1024).toFixed(1)} MiB; manifests over 1 MiB are not read.`, hint: 'A manifest is usually under 4 KiB; is this the right file?' };
    }
    // Read at most one byte past the limit, in case the file grew since stat.
    // Not zero-filled: only the bytes read are returned (subarray below).
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, MAX_MANIFEST_BYTES) + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length >= buffer.length) break;
    }
    if (length > MAX_MANIFEST_BYTES) return { ok: false, rule: 'file/too-large', message: 'The file is over 1 MiB; manifests that large are not read.', hint: 'A manifest is usually under 4 KiB; is this the right file?' };
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EISDIR') return { ok: false, rule: 'file/unreadable', message: 'This is a folder, not a manifest file.', hint: 'Rename the folder, or pass the plugin folder that holds the manifest.' };
    return { ok: false, rule: 'file/unreadable', message: `The file cannot be read (${code}).`, hint: 'Check the file and its permissions.' };
  } finally {
    closeSync(fd);
  }
}
