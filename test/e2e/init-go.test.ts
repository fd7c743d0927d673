import { describeInitEndToEnd } from './init-end-to-end.js';

describeInitEndToEnd('go', { tool: ['go', ['version']], ownTests: () => ['go', ['test', './...']] });
