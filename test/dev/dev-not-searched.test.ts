/**
 * `dev` on a folder of plugins says what its search passed over (a FIFO named
 * plugin.yml here; an unreadable folder takes the same path), instead of skipping it
 * silently: in the terminal banner and in /api/info.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo } from '../helpers/memory-io.js';
import { FIXTURES, waitUntil } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-dev-not-searched-'));
  await cp(join(FIXTURES, 'echo'), join(root, 'echo'), { recursive: true });
  await mkdir(join(root, 'odd'));
  execFileSync('mkfifo', [join(root, 'odd', 'plugin.yml')]);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('dev and what its search passes over', () => {
  it('names a FIFO with a manifest name in the banner and in /api/info, and still hosts the rest', async () => {
    const io = memoryIo({ env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: 'sk-not-searched-1234' }, cwd: root });
    const done = main(['dev', '.', '--port', '0', '--no-open', '--no-watch'], io);
    try {
      await waitUntil(() => /#token=/.test(io.stdout.text), 15_000);
      expect(io.stdout.text).toContain('Not searched (unreadable, or not a file): odd/plugin.yml (a FIFO)');
      const [, url, token] = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(io.stdout.text)!;
      const info = (await (await fetch(`${url}/api/info`, { headers: { authorization: `Bearer ${token}` } })).json()) as { notSearched: string[] };
      expect(info.notSearched).toEqual(['odd/plugin.yml (a FIFO)']);
      await waitUntil(async () => (await (await fetch(`${url}/api/plugins`, { headers: { authorization: `Bearer ${token}` } })).text()).includes('"healthy"'), 15_000, 100);
    } finally {
      io.controller.abort();
      await done.catch(() => undefined);
    }
  }, 40_000);
});
