#!/usr/bin/env node
// `npm create loom-plugin@latest my-plugin -- --language go` runs this with the arguments
// `my-plugin --language go`. It is `loom-plugin init` of the same version, run in this
// process (so Ctrl+C, prompts and exit codes are exactly init's), and nothing more.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const packageJson = createRequire(import.meta.url).resolve('loom-plugin/package.json');
process.argv.splice(2, 0, 'init');
await import(pathToFileURL(join(dirname(packageJson), 'bin', 'loom-plugin.js')).href);
