/**
 * The CLI that bin/ runs is a bundle (scripts/bundle-cli.mjs): our modules joined into a
 * few files in dist/bundle/. Code that finds a package file from its own location breaks
 * when a bundler moves it, silently where there is a fallback (the large-file worker:
 * checked on the calling thread instead). These tests read the built bundle.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'bundle');

function bundleFiles(): string[] {
  if (!existsSync(join(BUNDLE, 'cli.js'))) throw new Error('dist/bundle/ is missing: run `npm run build` first.');
  return readdirSync(BUNDLE).filter((name) => name.endsWith('.js'));
}

describe('the CLI bundle', () => {
  it('finds every file it names relative to itself', () => {
    const named: string[] = [];
    for (const name of bundleFiles()) {
      const text = readFileSync(join(BUNDLE, name), 'utf8');
      for (const match of text.matchAll(/new URL\(\s*(["'`])([^"'`]*)\1\s*,\s*import\.meta\.url\s*\)/g)) {
        const target = fileURLToPath(new URL(match[2] as string, pathToFileURL(join(BUNDLE, name))));
        // A folder named this way is the package root (package-root.ts builds every other path from it).
        const right = target.endsWith('/') ? target === ROOT : existsSync(target);
        named.push(`${name} -> ${match[2]}: ${right ? 'found' : 'MISSING'}`);
      }
    }
    // The package root (package-root.ts) and the worker (off-thread.ts) at least.
    expect(named.some((line) => line.includes('-> ../../:'))).toBe(true);
    expect(named.some((line) => line.includes('-> ./analyze-worker.js:'))).toBe(true);
    expect(named.filter((line) => line.endsWith('MISSING'))).toEqual([]);
  });

  it('leaves packages to node_modules: no copy of a dependency inside', () => {
    const text = bundleFiles()
      .map((name) => readFileSync(join(BUNDLE, name), 'utf8'))
      .join('\n');
    // Markers of code from commander, ajv and yaml, had the bundler pulled them in.
    for (const marker of ['class CommanderError', 'class Ajv', 'class Composer']) expect(text).not.toContain(marker);
  });

  it('is what bin/ runs', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(process.execPath, [join(ROOT, 'bin', 'loom-plugin.js'), '--version'], { encoding: 'utf8' }).trim()).toBe(version);
    expect(readFileSync(join(ROOT, 'bin', 'loom-plugin.js'), 'utf8')).toMatch(/import\('\.\.\/dist\/bundle\/cli\.js'\)/);
  });
});
