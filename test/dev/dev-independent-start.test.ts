/**
 * Plugins start and load independently: two that never answer (one never listens, one
 * accepts connections and never replies) must not delay a healthy one. Before, starts
 * ran one at a time across all plugins, so the healthy one waited for both time-outs.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, isAlive, startTestHost, waitUntil, type TestHost } from './helpers.js';

const STARTUP_TIMEOUT_MS = 20_000;

function manifest(providerType: string, script: string): string {
  return `type: http
endpoint: http://127.0.0.1:8090
metadata:
  name: ${providerType}
  version: 1.0.0
  plugin_api_version: "1.0.0"
  provider_type: ${providerType}
auto_start: true
command: node
args: ["-e", ${JSON.stringify(script)}]
env:
  PORT: "8090"
`;
}

let t: TestHost | undefined;
let root: string | undefined;
afterEach(async () => {
  await t?.host.close();
  t = undefined;
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('independent starts', () => {
  it('a healthy plugin is serving while two stuck ones are still starting', async () => {
    root = await mkdtemp(join(tmpdir(), 'loom-dev-independent-'));
    // Named so that discovery lists the stuck ones first.
    await mkdir(join(root, 'a-never-listens'));
    await writeFile(join(root, 'a-never-listens', 'plugin.yaml'), manifest('never-listens', 'setInterval(() => {}, 1000)'));
    await mkdir(join(root, 'b-never-answers'));
    await writeFile(join(root, 'b-never-answers', 'plugin.yaml'), manifest('never-answers', "require('http').createServer(() => {}).listen(Number(process.env.PORT), '127.0.0.1')"));
    await cp(join(FIXTURES, 'echo'), join(root, 'c-echo'), { recursive: true });

    const started = Date.now();
    t = await startTestHost({ path: root, watch: false, startupTimeoutMs: STARTUP_TIMEOUT_MS });
    await t.waitFor((event) => event.type === 'state' && event.key === 'echo-dev' && event.state === 'healthy', STARTUP_TIMEOUT_MS);
    // Serial starts would have taken two start-up time-outs (40 s) before this point.
    expect(Date.now() - started).toBeLessThan(STARTUP_TIMEOUT_MS);
    const states = Object.fromEntries(t.host.state().map((plugin) => [plugin.key, plugin.state]));
    expect(states['never-listens']).toMatch(/starting|loading/);
    expect(states['never-answers']).toMatch(/starting|loading/);
    const chat = await t.call('POST', '/v1/chat/completions', { body: { model: (t.host.state().find((p) => p.key === 'echo-dev')?.models[0]?.id ?? ''), messages: [{ role: 'user', content: 'hi' }] } });
    expect(chat.status).toBe(200);

    // Closing stops the stuck ones too.
    const pids = t.host.state().map((plugin) => plugin.pid).filter((pid): pid is number => pid !== undefined);
    await t.host.close();
    t = undefined;
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 10_000);
  }, 60_000);
});
