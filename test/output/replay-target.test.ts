/**
 * A failure's "Replay:" line must work when pasted in the folder the user ran `test` in,
 * which is often not the plugin's own folder (CI runs `loom-plugin test plugins/acme`).
 */
import { describe, expect, it } from 'vitest';
import { replayTarget } from '../../src/output/test-reporters/shared.js';

const started = (manifest: string) => ({ manifest, endpoint: 'http://127.0.0.1:8090', mode: 'started' as const });

describe('replay target', () => {
  it('is empty when test ran in the plugin folder', () => {
    expect(replayTarget(started('/home/ada/acme/plugin.yaml'), '/home/ada/acme')).toBe('');
  });

  it('names a folder below the current one relatively, as typed', () => {
    expect(replayTarget(started('/home/ada/repo/plugins/acme/plugin.json'), '/home/ada/repo')).toBe(' plugins/acme');
  });

  it('names a folder elsewhere absolutely, never as a ../ chain', () => {
    expect(replayTarget(started('/srv/plugins/acme/plugin.yaml'), '/home/ada')).toBe(' /srv/plugins/acme');
  });

  it('quotes a folder the shell would split', () => {
    expect(replayTarget(started("/home/ada/my plugins/it's/plugin.yaml"), '/home/ada')).toBe(` 'my plugins/it'\\''s'`);
  });

  it('keeps --endpoint for an attached plugin', () => {
    expect(replayTarget({ manifest: '/home/ada/acme/plugin.yaml', endpoint: 'http://127.0.0.1:9000', mode: 'attached' }, '/home/ada')).toBe(' acme --endpoint http://127.0.0.1:9000');
  });
});
