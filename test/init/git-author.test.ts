/**
 * The author default is the name git signs commits with (`git config user.name`), after
 * GIT_AUTHOR_NAME; "Your Name" only when neither is set.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/memory-io.js';

let home: string;
let work: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'loom-git-home-'));
  work = await mkdtemp(join(tmpdir(), 'loom-git-work-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

async function authorOf(env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCli(['init', 'git-author-probe', '--language', 'node', '--yes', '--no-install'], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', ...env },
  });
  expect(result.code, result.stderr).toBe(0);
  const manifest = parse(await readFile(join(work, 'git-author-probe', 'plugin.yaml'), 'utf8')) as { metadata: { author: string } };
  return manifest.metadata.author;
}

it('takes git config user.name', async () => {
  await writeFile(join(home, '.gitconfig'), '[user]\n\tname = Grace Hopper\n');
  expect(await authorOf({})).toBe('Grace Hopper');
});

it('GIT_AUTHOR_NAME wins over git config', async () => {
  await writeFile(join(home, '.gitconfig'), '[user]\n\tname = Grace Hopper\n');
  expect(await authorOf({ GIT_AUTHOR_NAME: 'Ada Lovelace' })).toBe('Ada Lovelace');
});

it('falls back to a visible placeholder without a git name', async () => {
  expect(await authorOf({})).toBe('Your Name');
});
