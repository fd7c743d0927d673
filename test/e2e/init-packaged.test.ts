/**
 * `init` from the package as npm ships it: exactly the files `npm pack` would put in the
 * tarball are copied to a fresh folder (dependencies linked, not installed), and the
 * binary there scaffolds every language. Proves templates/ is found relative to the
 * installed package (not the checkout) and that npm keeps every template file, including
 * `_gitignore` (a real .gitignore would be dropped) and `.github/workflows`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT, run, tempWorkspace } from './helpers.js';

const execFileAsync = promisify(execFile);

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Local development leftovers in a template checkout are never scaffolded.
    if (['node_modules', '.venv', '__pycache__', '.pytest_cache', '.DS_Store'].includes(entry.name)) continue;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)));
    else out.push(`${prefix}${entry.name}`);
  }
  return out.sort();
}

describe.skipIf(process.platform === 'win32')('init from the packed file set', { timeout: 120_000 }, () => {
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  let packageDir: string;

  beforeAll(async () => {
    assertBuilt();
    workspace = await tempWorkspace('loom-e2e-packed-');
    packageDir = join(workspace.dir, 'node_modules', 'loom-plugin');
    const { stdout } = await execFileAsync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
    for (const file of files) {
      await mkdir(dirname(join(packageDir, file)), { recursive: true });
      await cp(join(ROOT, file), join(packageDir, file));
    }
    await symlink(join(ROOT, 'node_modules'), join(packageDir, 'node_modules'));
  });
  afterAll(() => workspace?.remove());

  it.each(['python', 'node', 'go'])('scaffolds %s with the same files as from the checkout', async (language) => {
    const cwd = join(workspace.dir, `app-${language}`);
    await mkdir(cwd);
    const result = await run(process.execPath, [join(packageDir, 'bin', 'loom-plugin.js'), 'init', 'packed', '--language', language, '--yes'], { cwd });
    expect(result.code, result.output).toBe(0);
    const scaffolded = await listFiles(join(cwd, 'packed'));
    expect(scaffolded).toContain('.gitignore');
    expect(scaffolded).toContain('.github/workflows/conformance.yml');
    expect(scaffolded).not.toContain('_gitignore');
    // Same template, same files: the checkout's binary scaffolds the same set, so every
    // template file (shared part and the chosen adapter) made it into the package.
    const checkoutCwd = join(workspace.dir, `checkout-${language}`);
    await mkdir(checkoutCwd);
    const fromCheckoutRun = await run(process.execPath, [BIN, 'init', 'packed', '--language', language, '--yes'], { cwd: checkoutCwd });
    expect(fromCheckoutRun.code, fromCheckoutRun.output).toBe(0);
    expect(scaffolded).toEqual(await listFiles(join(checkoutCwd, 'packed')));
    expect(scaffolded.some((file) => file.startsWith('adapters/'))).toBe(false);
    expect(existsSync(join(packageDir, 'src'))).toBe(false);
  });
});
