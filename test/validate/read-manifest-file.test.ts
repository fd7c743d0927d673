/**
 * readManifestBytes: every manifest is read through one guarded path (open, fstat, read).
 * Whatever a listed file turns out to be by the time it is read (a folder, a FIFO, a link
 * to a device put in its place since the listing), it gets the same bytes, the same size
 * limit, the same findings.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, readManifestBytes } from '../../src/core/manifest/read-manifest-file.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-read-manifest-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function read(file: string): Promise<unknown> {
  const result = await readManifestBytes(file);
  return result.ok ? { ok: true, bytes: Buffer.from(result.bytes).toString('hex') } : result;
}

describe('readManifestBytes', () => {
  it.each([
    ['empty', 0],
    ['small', 1500],
    ['just under 64 KiB', 64 * 1024 - 1],
    ['exactly 64 KiB', 64 * 1024],
    ['over 64 KiB', 64 * 1024 + 1],
    ['at the size limit', MAX_MANIFEST_BYTES],
    ['over the size limit', MAX_MANIFEST_BYTES + 1],
  ])('%s (%i bytes): its bytes, or too large past the limit', async (label, size) => {
    const file = join(root, `${label.replace(/\W+/g, '-')}.yaml`);
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = 97 + ((i * 7) % 26);
    await writeFile(file, bytes);
    if (size <= MAX_MANIFEST_BYTES) expect(await read(file)).toEqual({ ok: true, bytes: bytes.toString('hex') });
    else expect(await read(file)).toMatchObject({ ok: false, rule: 'file/too-large' });
  });

  it('two files read one after the other keep their own bytes', async () => {
    await writeFile(join(root, 'a.yaml'), 'type: http\n');
    await writeFile(join(root, 'b.yaml'), 'x\n');
    const a = await readManifestBytes(join(root, 'a.yaml'));
    const b = await readManifestBytes(join(root, 'b.yaml'));
    expect(a.ok && Buffer.from(a.bytes).toString()).toBe('type: http\n');
    expect(b.ok && Buffer.from(b.bytes).toString()).toBe('x\n');
  });

  it('a folder, a missing file, or a FIFO: a finding that says which', async () => {
    await mkdir(join(root, 'folder.yaml'));
    expect(await read(join(root, 'folder.yaml'))).toMatchObject({ ok: false, message: 'This is a folder, not a manifest file.' });
    expect(await read(join(root, 'missing.yaml'))).toMatchObject({ ok: false, missing: true });
    try {
      execFileSync('mkfifo', [join(root, 'fifo.yaml')]);
    } catch {
      return; // no mkfifo on this system
    }
    expect(await read(join(root, 'fifo.yaml'))).toMatchObject({ ok: false, message: 'This is not a regular file.' });
  });

  it.runIf(existsSync('/dev/null'))('a link to /dev/null (e.g. put in place of a listed file): not a regular file, not an empty manifest', async () => {
    const file = join(root, 'null.yaml');
    await symlink('/dev/null', file);
    expect(await read(file)).toMatchObject({ ok: false, rule: 'file/unreadable', message: 'This is not a regular file.' });
  });
});
