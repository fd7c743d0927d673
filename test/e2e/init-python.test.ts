import { join } from 'node:path';
import { describeInitEndToEnd } from './init-end-to-end.js';

describeInitEndToEnd('python', {
  tool: ['python3', ['--version']],
  ownTests: (pluginDir) => [join(pluginDir, '.venv', 'bin', 'python'), ['-m', 'pytest', '-q']],
});
