/**
 * Watching what matters: the `scribe` fixture (Python standard library) writes into its
 * own folder every 100 ms, the way plugins with a log file or a SQLite database do. It
 * must reload once per source edit, never because of its own writes; what .gitignore
 * lists never reloads; and a plugin that writes a file at every start must not reload
 * in a loop: reloading stops and the file is named, with the line that ignores it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOOP_LIMIT } from '../../src/core/dev/change-filter.js';
import type { StampedEvent } from '../../src/core/dev/types.js';
import { copyFixture, startTestHost, type TestHost } from './helpers.js';

let t: TestHost | undefined;
let remove: (() => Promise<void>) | undefined;

afterEach(async () => {
  await t?.host.close();
  await remove?.();
  t = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reloads = (events: StampedEvent[]) => events.filter((e) => e.type === 'attempt' && e.attempt.reason === 'file change');
const notices = (events: StampedEvent[]) => events.flatMap((e) => (e.type === 'notice' ? [e] : []));

async function scribe(env: Record<string, string>): Promise<{ t: TestHost; dir: string }> {
  const copy = await copyFixture('scribe');
  remove = copy.remove;
  const manifestFile = join(copy.dir, 'plugin.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { env: Record<string, string> };
  manifest.env = { ...manifest.env, ...env };
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
  t = await startTestHost({ path: copy.dir, watch: true });
  await t.host.ready;
  expect(t.host.state()[0]?.state).toBe('healthy');
  return { t, dir: copy.dir };
}

const reply = async (host: TestHost): Promise<string> => {
  const res = await host.call('POST', '/v1/chat/completions', { body: { model: 'scribe-1', messages: [{ role: 'user', content: 'hi' }] } });
  return (res.json as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
};

describe('watching a plugin that writes into its own folder', () => {
  const styles: Array<[string, string, RegExp]> = [['appends with open/append/close every 100 ms (told by timing)', 'append', /writes it while it starts/]];
  if (process.platform === 'linux') styles.push(['keeps its log file open (told from /proc)', 'handle', /holds it open/]);
  it.each(styles)('reloads exactly once per source edit when it %s', { timeout: 30_000 }, async (_name, style, reason) => {
    const { t, dir } = await scribe({ SCRIBE_LOG: style });
    // Let the log grow for a while: none of it may reload the plugin.
    await sleep(2500);
    expect(reloads(t.events)).toHaveLength(0);
    const log = await readFile(join(dir, 'plugin.log'), 'utf8');
    expect(log.split('\n').length).toBeGreaterThan(10);
    const notice = notices(t.events).find((e) => e.message.startsWith('plugin.log '));
    expect(notice?.message).toMatch(reason);
    expect(notice?.message).toContain('`/plugin.log`');

    // What .gitignore lists never reloads.
    await mkdir(join(dir, 'notes'));
    await writeFile(join(dir, 'notes', 'todo.md'), '- nothing\n');
    await sleep(600);
    expect(reloads(t.events)).toHaveLength(0);

    await writeFile(join(dir, 'wording.py'), 'REPLY = "second wording"\n');
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.reason === 'file change' && e.attempt.ok);
    expect(await reply(t)).toBe('second wording');
    // The new process writes plugin.log at once, during its start and after: no second reload.
    await sleep(3500);
    expect(reloads(t.events)).toHaveLength(1);
  });

  it('a .gitignore edit takes effect at once', { timeout: 30_000 }, async () => {
    const { t, dir } = await scribe({ SCRIBE_LOG: 'append' });
    await writeFile(join(dir, '.gitignore'), '__pycache__/\nnotes/\ndrafts.txt\n');
    await sleep(300);
    await writeFile(join(dir, 'drafts.txt'), 'not a source\n');
    await sleep(2000);
    expect(reloads(t.events)).toHaveLength(0);
    // A file that is not ignored still reloads.
    await writeFile(join(dir, 'wording.py'), 'REPLY = "third wording"\n');
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.reason === 'file change' && e.attempt.ok);
    expect(await reply(t)).toBe('third wording');
  });

  it('stops reloading when every start writes a file, and says which file and how to ignore it', { timeout: 60_000 }, async () => {
    // Written once (one rename, one change event), 0.3 s after each start: only the loop
    // rule can tell it from an edit.
    const { t, dir } = await scribe({ SCRIBE_LOG: 'append', SCRIBE_START_FILE: 'started.txt', SCRIBE_START_DELAY_MS: '300' });
    const warning = await t.waitFor((e) => e.type === 'notice' && e.message.startsWith('started.txt '), 45_000);
    if (warning.type !== 'notice') throw new Error('unreachable');
    expect(warning.level).toBe('warning');
    expect(warning.message).toContain(`after each of the last ${LOOP_LIMIT} starts`);
    expect(warning.message).toContain('reloading on it stopped');
    expect(warning.message).toContain('Add `/started.txt` to the plugin\'s .gitignore');
    // The first start and each reload wrote it; the third time was seen as a loop (more
    // reloads only when a busy machine made the delays differ by over a second).
    const count = reloads(t.events).length;
    expect(count).toBeGreaterThanOrEqual(LOOP_LIMIT - 1);
    await sleep(3500);
    expect(reloads(t.events)).toHaveLength(count);
    expect(t.host.state()[0]?.state).toBe('healthy');
    // An edit still reloads, once.
    await writeFile(join(dir, 'wording.py'), 'REPLY = "after the loop"\n');
    await t.waitFor((e) => e.type === 'attempt' && e.attempt.reason === 'file change' && e.attempt.ok && reloads(t.events).length > count);
    expect(await reply(t)).toBe('after the loop');
    await sleep(3500);
    expect(reloads(t.events)).toHaveLength(count + 1);
  });
});
