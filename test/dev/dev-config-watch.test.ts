/**
 * The --config file is watched: a plugin that failed on a broken file starts when the file
 * is fixed and saved, and a serving plugin reloads with the new values. Before, the fix
 * did nothing until some file of the plugin changed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
let remove: (() => Promise<void>) | undefined;

afterEach(async () => {
  await t?.host.close();
  await remove?.();
  t = undefined;
});

describe('dev watches its --config file', () => {
  it('starts a plugin once its broken config file is fixed, then reloads it on the next change', async () => {
    const copy = await copyFixture('echo');
    remove = copy.remove;
    const configFile = join(copy.dir, '..', 'secrets.yaml');
    await writeFile(configFile, 'api_key: [sk-unclosed\n');
    t = await startTestHost({ path: copy.dir, configFile, watch: true });
    await t.host.ready;
    expect(t.host.state()[0]!.state).toBe('failed');

    await writeFile(configFile, 'api_key: sk-fixed-1234\n');
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'config change');
    const pid = t.host.state()[0]!.pid;
    expect(t.host.state()[0]!.state).toBe('healthy');

    await writeFile(configFile, 'api_key: sk-rotated-5678\n');
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.ok && e.attempt.reason === 'config change' && t!.host.state()[0]!.pid !== pid);
  }, 30_000);
});
