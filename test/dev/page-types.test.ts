/**
 * The playground page reads the dev host's types instead of keeping its own copy: a copy
 * of the sources is built the way `npm run build` does (src/ first, then ui/), once as it
 * is (must type-check) and once per change to a type the page reads (must not). Before
 * the page shared the types, its own looser copy type-checked no matter what changed.
 * About 4 s per build on an idle core.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const copies: string[] = [];

/** Copies what the two compiler steps read; `change` edits one source file of the copy. */
async function buildCopy(change?: { file: string; from: string; to: string }): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-plugin-page-types-'));
  copies.push(dir);
  await cp(join(root, 'src'), join(dir, 'src'), { recursive: true });
  await cp(join(root, 'ui/src'), join(dir, 'ui/src'), { recursive: true });
  for (const file of ['tsconfig.json', 'package.json', 'ui/tsconfig.json']) await cp(join(root, file), join(dir, file));
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (change) {
    const path = join(dir, change.file);
    const text = await readFile(path, 'utf8');
    expect(text, `${change.file} no longer contains the text this test changes`).toContain(change.from);
    await writeFile(path, text.replace(change.from, change.to));
  }
  // The host's own sources may stop compiling after the change; the declarations are
  // still written, and it is the page's step whose verdict this test is about.
  await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--emitDeclarationOnly'], { cwd: dir }).catch(() => undefined);
  try {
    await run(process.execPath, [tsc, '-p', 'ui/tsconfig.json', '--noEmit'], { cwd: dir });
    return { ok: true, output: '' };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("the playground page's types come from the dev host's", () => {
  it('type-checks against the host types as they are', async () => {
    const result = await buildCopy();
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 60_000);

  it('fails when a field of the plugin view the page shows is renamed', async () => {
    const result = await buildCopy({ file: 'src/core/dev/types.ts', from: '  restarts: number;\n}', to: '  restartCount: number;\n}' });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ui\/src\/plugins\.ts\(\d+,\d+\): error TS\d+: .*'restarts'/);
  }, 60_000);

  it('fails when a field of a conformance result the page shows is renamed', async () => {
    const result = await buildCopy({ file: 'src/core/conformance/types.ts', from: '  blockedBy?: string;', to: '  rootCause?: string;' });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ui\/src\/conformance\.ts\(\d+,\d+\): error TS\d+: .*'blockedBy'/);
  }, 60_000);
});
