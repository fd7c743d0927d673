/**
 * The change filter's rules on a fake clock: which changes reload, which are the
 * plugin's own writes, and when a reload loop is called off. No processes, no watcher.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginFiles } from '../../src/core/build/plugin-files.js';
import { ChangeFilter, HOLD_MS, LOOP_JITTER_MS, LOOP_LIMIT, REPEAT_MS, SETTLE_MS, describeOwnFile, type OwnFile } from '../../src/core/dev/change-filter.js';

let root: string;
let clock: number;
let told: OwnFile[];
let filter: ChangeFilter;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-change-filter-'));
  await writeFile(join(root, '.gitignore'), 'data/\n*.sqlite\n');
  clock = 1_000_000;
  told = [];
  filter = new ChangeFilter(new PluginFiles(root), () => [join(root, 'bin', 'plugin')], () => [], (own) => told.push(own), () => clock);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const at = (name: string) => join(root, name);

/** One start: spawn at `clock`, loaded `loadMs` later. */
function start(loadMs = 200): void {
  filter.startBegan();
  clock += loadMs;
  filter.startEnded();
}

describe('ChangeFilter', () => {
  it('lets a developer edit through, and never the build output or ignored files', () => {
    start();
    clock += SETTLE_MS + 5000;
    expect(filter.accept(at('handlers.go'))).toBe(true);
    expect(filter.accept(at('bin/plugin'))).toBe(false);
    expect(filter.accept(at('data/cache.json'))).toBe(false);
    expect(filter.accept(at('state.sqlite'))).toBe(false);
    expect(filter.accept(at('node_modules/x/index.js'))).toBe(false);
    expect(filter.settle([at('handlers.go')])).toEqual([at('handlers.go')]);
  });

  it('holds a data file changed during a start a little, never source code', () => {
    filter.startBegan();
    clock += 100;
    filter.accept(at('cache.json'));
    filter.accept(at('handlers.py'));
    expect(filter.quietAt([at('cache.json')])).toBe(clock + HOLD_MS);
    expect(filter.quietAt([at('handlers.py')])).toBe(Number.NEGATIVE_INFINITY);
    filter.startEnded();
    expect(filter.quietAt([at('cache.json'), at('handlers.py')])).toBe(clock + HOLD_MS);
    clock += 50;
    filter.startEnded();
    // Settled sooner than the hold: the settle time wins.
    expect(filter.quietAt([at('cache.json')])).toBeLessThanOrEqual(clock + SETTLE_MS);
    clock += SETTLE_MS + 10;
    filter.accept(at('cache.json'));
    expect(filter.quietAt([at('cache.json')])).toBe(Number.NEGATIVE_INFINITY);
  });

  it('never takes source code as the plugin\'s own, however it changes', () => {
    for (let i = 0; i < LOOP_LIMIT + 1; i++) {
      start();
      for (let j = 0; j < 4; j++) {
        clock += 100;
        expect(filter.accept(at('provider/chat.py'))).toBe(true);
      }
      expect(filter.settle([at('provider/chat.py')])).toEqual([at('provider/chat.py')]);
    }
    expect(told).toEqual([]);
  });

  it('takes a file written during a start and again soon after as the plugin\'s own, for good', () => {
    start();
    expect(filter.accept(at('plugin.log'))).toBe(true);
    clock += 100;
    expect(filter.accept(at('plugin.log'))).toBe(true);
    clock += 100;
    expect(filter.accept(at('plugin.log'))).toBe(false);
    expect(told).toEqual([{ file: at('plugin.log'), reason: 'repeated' }]);
    // The burst that held its first change now has nothing to reload for.
    expect(filter.settle([at('plugin.log')])).toEqual([]);
    clock += 60_000;
    expect(filter.accept(at('plugin.log'))).toBe(false);
    expect(told).toHaveLength(1);
  });

  it('does not take a developer\'s quick saves as the plugin\'s: many outside a start, two right after one', () => {
    start();
    expect(filter.accept(at('prompts.txt'))).toBe(true);
    clock += 300;
    expect(filter.accept(at('prompts.txt'))).toBe(true);
    clock += SETTLE_MS + 5000;
    for (let i = 0; i < 5; i++) {
      clock += 200;
      expect(filter.accept(at('prompts.txt'))).toBe(true);
    }
    expect(told).toEqual([]);
  });

  it('never takes the manifest as the plugin\'s own', () => {
    start();
    for (let i = 0; i < 5; i++) {
      clock += 100;
      expect(filter.accept(at('plugin.yaml'))).toBe(true);
    }
    expect(told).toEqual([]);
  });

  it('breaks a streak when changes are more than REPEAT_MS apart', () => {
    start();
    expect(filter.accept(at('notes.txt'))).toBe(true);
    clock += 100;
    expect(filter.accept(at('notes.txt'))).toBe(true);
    clock += REPEAT_MS + 1;
    expect(filter.accept(at('notes.txt'))).toBe(true);
    expect(told).toEqual([]);
  });

  it(`stops a loop: the same file at the same delay after ${LOOP_LIMIT} starts in a row`, () => {
    const results: string[][] = [];
    for (let i = 0; i < LOOP_LIMIT; i++) {
      start();
      clock += 800 + i * 50; // during the start, at nearly the same delay every time
      filter.accept(at('cache.json'));
      results.push(filter.settle([at('cache.json')]));
    }
    expect(results.slice(0, -1)).toEqual(Array(LOOP_LIMIT - 1).fill([at('cache.json')]));
    expect(results.at(-1)).toEqual([]);
    expect(told).toEqual([{ file: at('cache.json'), reason: 'loop' }]);
    expect(describeOwnFile(told[0]!, root)).toContain('Add `/cache.json` to the plugin\'s .gitignore');
  });

  it('does not call saves at varying moments after each reload, or after the start settled, a loop', () => {
    const delays = [300, 1400, 700, 5000, 2500, 2600, 2700];
    for (const delay of delays) {
      start();
      clock += delay;
      filter.accept(at('prompts.txt'));
      expect(filter.settle([at('prompts.txt')])).toEqual([at('prompts.txt')]);
    }
    expect(told).toEqual([]);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(LOOP_JITTER_MS);
  });

  it('re-reads .gitignore when it changes, without reloading for it', async () => {
    start();
    clock += SETTLE_MS + 1000;
    expect(filter.accept(at('drafts.txt'))).toBe(true);
    await writeFile(join(root, '.gitignore'), 'drafts.txt\n');
    expect(filter.accept(at('.gitignore'))).toBe(false);
    expect(filter.accept(at('drafts.txt'))).toBe(false);
  });

  it('applies a .gitignore edit to the burst it is in, when its event came after the file it ignores or never came', async () => {
    start();
    clock += SETTLE_MS + 1000;
    // drafts.txt's event first (a loaded machine reorders them), and no event for .gitignore yet.
    await writeFile(join(root, '.gitignore'), 'data/\n*.sqlite\ndrafts.txt\n');
    expect(filter.accept(at('drafts.txt'))).toBe(true);
    expect(filter.settle([at('drafts.txt'), at('handlers.go')])).toEqual([at('handlers.go')]);
    expect(filter.settle([at('drafts.txt')])).toEqual([]);
  });
});
