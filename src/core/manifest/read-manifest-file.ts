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

/**
 * Reused for the small files a folder listing already showed as regular: their bytes are
 * copied out, so no buffer is allocated for a read that turns out to be short.
 */
const SMALL_READ = Buffer.allocUnsafe(64 * 1024);

/**
 * A regular file read to its end into SMALL_READ, without an fstat first: the listing
 * said what it is, and a file under 64 KiB is under the size limit whatever stat would
 * say. Undefined when it fills the buffer or the read fails (a folder or FIFO put in its
 * place since the listing: positional reads fail on both): the caller then takes the
 * checked path, which says what it is.
 */
function readSmallRegularFile(fd: number): Uint8Array | undefined {
  let length = 0;
  try {
    for (;;) {
      const bytesRead = readSync(fd, SMALL_READ, length, SMALL_READ.length - length, length);
      if (bytesRead === 0) return Buffer.from(SMALL_READ.subarray(0, length));
      length += bytesRead;
      if (length >= SMALL_READ.length) return undefined;
    }
  } catch {
    return undefined;
  }
}

export interface ReadOptions {
  /**
   * The file was a regular file when its folder was listed (searchManifests'
   * regularFiles): small ones are read without the fstat that tells a folder, FIFO or
   * device apart (1,000 fstat calls, and their Stats objects, in a 1,000-file run).
   */
  listedAsRegular?: boolean;
}

export async function readManifestBytes(file: string, options: ReadOptions = {}): Promise<ReadResult> {
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
    if (options.listedAsRegular) {
      const bytes = readSmallRegularFile(fd);
      if (bytes) return { ok: true, bytes };
    }
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
