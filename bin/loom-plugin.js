#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ can keep compiled code between runs (a cache in the temp folder, or in
// NODE_COMPILE_CACHE); Node 20 has no such API and compiles every module each start.
module.enableCompileCache?.();
// The bundle `npm run build` writes (scripts/bundle-cli.mjs): one file per lazy part, not
// one per module, which Node loads markedly faster.
import('../dist/bundle/cli.js').then((cli) => cli.runFromProcess());
