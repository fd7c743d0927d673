/**
 * readManifestBytes reads files the folder listing showed as regular without an fstat
 * first (listedAsRegular). Whatever the file turns out to be, that path must give what
 * the checked path gives: the same bytes, the same size limit, the same findings.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchManifests } from '../../src/core/manifest/find-manifests.js';
import { MAX_MANIFEST_BYTES, readManifestBytes } from '../../src/core/manifest/read-manifest-file.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-read-manifest-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function both(file: string): Promise<[unknown, unknown]> {
  const plain = (result: Awaited<ReturnType<typeof readManifestBytes>>): unknown => (result.ok ? { ok: true, bytes: Buffer.from(result.bytes).toString('hex') } : result);
  return [plain(await readManifestBytes(file)), plain(await readManifestBytes(file, { listedAsRegular: true }))];
}

describe('readManifestBytes, listed as a regular file', () => {
  it.each([
    ['empty', 0],
    ['small', 1500],
    ['just under the 64 KiB read buffer', 64 * 1024 - 1],
    ['exactly the read buffer', 64 * 1024],
    ['over the read buffer', 64 * 1024 + 1],
    ['at the size limit', MAX_MANIFEST_BYTES],
    ['over the size limit', MAX_MANIFEST_BYTES + 1],
  ])('%s (%i bytes): the same result as the checked path', async (label, size) => {
    const file = join(root, `${label.replace(/\W+/g, '-')}.yaml`);
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = 97 + ((i * 7) % 26);
    await writeFile(file, bytes);
    const [checked, listed] = await both(file);
    expect(listed).toEqual(checked);
    if (size <= MAX_MANIFEST_BYTES) expect(listed).toEqual({ ok: true, bytes: bytes.toString('hex') });
    else expect(listed).toMatchObject({ ok: false, rule: 'file/too-large' });
  });

  it('two files read one after the other keep their own bytes (the read buffer is reused)', async () => {
    await writeFile(join(root, 'a.yaml'), 'type: http\n');
    await writeFile(join(root, 'b.yaml'), 'x\n');
    const a = await readManifestBytes(join(root, 'a.yaml'), { listedAsRegular: true });
    const b = await readManifestBytes(join(root, 'b.yaml'), { listedAsRegular: true });
    expect(a.ok && Buffer.from(a.bytes).toString()).toBe('type: http\n');
    expect(b.ok && Buffer.from(b.bytes).toString()).toBe('x\n');
  });

  it('a folder, a missing file, or a FIFO put in its place since the listing: the same findings', async () => {
    await mkdir(join(root, 'folder.yaml'));
    const [checkedFolder, listedFolder] = await both(join(root, 'folder.yaml'));
    expect(listedFolder).toEqual(checkedFolder);
    expect(listedFolder).toMatchObject({ ok: false, message: 'This is a folder, not a manifest file.' });
    const [checkedMissing, listedMissing] = await both(join(root, 'missing.yaml'));
    expect(listedMissing).toEqual(checkedMissing);
    try {
      execFileSync('mkfifo', [join(root, 'fifo.yaml')]);
    } catch {
      return; // no mkfifo on this system
    }
    const [checkedFifo, listedFifo] = await both(join(root, 'fifo.yaml'));
    expect(listedFifo).toEqual(checkedFifo);
    expect(listedFifo).toMatchObject({ ok: false, message: 'This is not a regular file.' });
  });

  it('searchManifests lists regular files as such, and links to files not', async () => {
    await mkdir(join(root, 'tree', 'plugin'), { recursive: true });
    await writeFile(join(root, 'tree', 'plugin', 'plugin.yaml'), 'type: http\n');
    await mkdir(join(root, 'tree', 'linked'));
    await symlink(join(root, 'tree', 'plugin', 'plugin.yaml'), join(root, 'tree', 'linked', 'plugin.yaml'));
    const search = await searchManifests([join(root, 'tree')], root);
    expect(search.files).toEqual([join(root, 'tree', 'linked', 'plugin.yaml'), join(root, 'tree', 'plugin', 'plugin.yaml')]);
    expect([...search.regularFiles]).toEqual([join(root, 'tree', 'plugin', 'plugin.yaml')]);
  });
});
