import { describeInitEndToEnd } from './init-end-to-end.js';

describeInitEndToEnd('node', {
  tool: ['npm', ['--version']],
  ownTests: () => [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['test']],
});
