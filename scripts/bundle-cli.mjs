#!/usr/bin/env node
/**
 * Build step, after tsc: bundles the compiled CLI (dist/cli.js and what it imports) into
 * dist/bundle/, which bin/loom-plugin.js runs. Why: Node loads an ES module per file,
 * resolving, reading and compiling each; `validate` touched about 55 of our modules, and
 * loading them one by one was a tenth of a 1,000-file run (measured: bench/validate.mjs).
 *
 * - Only our own code is bundled: every package import stays an import, resolved from
 *   node_modules as before (the same versions the lock file installs).
 * - Each lazy `import()` stays lazy: it becomes a chunk loaded on first use, so `--version`
 *   still loads no command.
 * - The large-file worker (analyze-worker.js) is an entry of its own beside the chunks,
 *   where off-thread.ts looks for it.
 * - Files sit flat in dist/bundle/, two folders below the package root, as
 *   src/core/package-root.ts expects.
 * The programmatic API (dist/index.js) is not bundled.
 */
import { rmSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = `${root}dist/bundle`;
rmSync(outDir, { recursive: true, force: true });

await build({
  cwd: root,
  input: { cli: 'dist/cli.js', 'analyze-worker': 'dist/core/validate/analyze-worker.js' },
  platform: 'node',
  // A bare specifier is a package (or node:): left to Node, not copied in.
  external: (id) => !id.startsWith('.') && !isAbsolute(id),
  logLevel: 'warn',
  onLog(level, log, handler) {
    // A module imported both lazily and eagerly just stays in the eager chunk: expected.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    handler(level, log);
  },
  output: { dir: outDir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: false },
});
console.log('bundled the CLI into dist/bundle/');
