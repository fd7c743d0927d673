// The real server process: PORT, concurrency, request log, graceful SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { envName } from '../src/settings.js';
import { API_KEY, MODEL, startFakeUpstream, validConfig } from './fake-upstream.js';

const HELLO = { model: MODEL, messages: [{ role: 'user', content: 'hi' }] };

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let upstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());

it('serves concurrent requests, logs them, and stops gracefully on SIGTERM', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['server.js'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, PORT: String(port), ...Object.fromEntries(Object.entries(validConfig(upstream.url)).map(([key, value]) => [envName(key), String(value)])) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const post = (path, body) => fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await fetch(`${base}/health`);
        break;
      } catch (error) {
        if (attempt > 200 || child.exitCode !== null) throw new Error(`the plugin did not start: ${output}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.equal((await post('/initialize', {})).status, 200);
    const statuses = await Promise.all(Array.from({ length: 16 }, async () => (await post('/chat/completions', HELLO)).status));
    assert.deepEqual(statuses, Array(16).fill(200));

    // A request in flight when SIGTERM arrives still gets its answer.
    assert.equal((await post('/initialize', { timeout: 1 })).status, 200);
    upstream.fault = 'hang';
    const slow = post('/chat/completions', HELLO);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    assert.equal((await slow).status, 504);
    assert.deepEqual(await exited, { code: 0, signal: null });
    assert.match(output, /POST \/chat\/completions 200 \d+ms/);
    assert.ok(!output.includes(API_KEY));
  } finally {
    child.kill('SIGKILL');
  }
});
