import { describeInitEndToEnd } from './init-end-to-end.js';

describeInitEndToEnd('go', {
  tool: ['go', ['version']],
  ownTests: () => ['go', ['test', './...']],
  // The binary embeds plugin.json; the manifest's comment says to rebuild after a change.
  rebuild: ['go', ['build', '-o', 'bin/plugin', '.']],
});
