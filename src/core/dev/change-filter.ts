/**
 * Decides which file changes in a plugin folder are edits worth a reload, and which are
 * the plugin writing its own files (a log, a SQLite database, output redirected into the
 * folder). Without this, a plugin that writes at start reloads forever: each reload
 * writes again.
 *
 * A change is the plugin's own when:
 *   - the path is the build output (what `command` starts) or ignored (built-in rules,
 *     the folder's .gitignore);
 *   - a process of the plugin holds the file open (Linux, from /proc);
 *   - the file changed during a start (spawn until SETTLE_MS after the load ended) and
 *     then kept changing, each change within REPEAT_MS of the last, REPEAT_COUNT times in
 *     all: a writer, not a person saving (a quick double save is still a person);
 *   - or it is caught in a loop: LOOP_LIMIT reloads in a row were triggered by the same
 *     file, each time changed during the previous start (spawn until SETTLE_MS after the
 *     load) and at the same delay after the spawn (within LOOP_JITTER_MS): a program's
 *     timing, not a person's. Then
 *     reloading on it stops and the caller is told which file, so it can say how to
 *     ignore it.
 * Source code (by extension) and manifests are always the developer's: a plugin does not
 * rewrite its own code, and their edits are never held back.
 * A change of any other file made during a start waits (at most HOLD_MS) so a writer
 * can show itself before it costs a reload.
 * Once a file is known to be the plugin's, it stays so for the session (and is
 * reported once).
 */
import { realpathSync } from 'node:fs';
import { basename, relative } from 'node:path';
import type { PluginFiles } from '../build/plugin-files.js';
import { MANIFEST_FILE_NAMES } from '../protocol.js';
import { openFilesOf } from './open-files.js';

/** After a load, writes for this long still count as part of the start. */
export const SETTLE_MS = 1500;
/** A data file changed during a start reloads no sooner than this after that change. */
export const HOLD_MS = 600;
/** Code a plugin runs from, never writes: edits of these always reload, at once. */
const SOURCE_CODE = /\.(py|pyi|js|mjs|cjs|ts|mts|cts|jsx|tsx|go|rs|java|kts?|scala|rb|php|cs|fs|c|cc|cpp|cxx|h|hpp|swift|exs?|erl|lua|pl|pm|jl|dart|zig|nim|ml|hs|clj|groovy)$/i;
/** Changes this close together, starting during a start, REPEAT_COUNT times: a writer. */
export const REPEAT_MS = 2000;
export const REPEAT_COUNT = 3;
/** Reloads in a row triggered by one file changed at a steady delay after each start: a loop. */
export const LOOP_LIMIT = 3;
/** How far apart those delays may be for the changes to look like one program's. */
export const LOOP_JITTER_MS = 1000;

export type OwnReason = 'open' | 'repeated' | 'loop';

export interface OwnFile {
  file: string;
  reason: OwnReason;
}

export class ChangeFilter {
  private readonly own = new Map<string, OwnReason>();
  private readonly lastChange = new Map<string, number>();
  /** Changes in a row, each within REPEAT_MS of the last, that began during a start. */
  private readonly streaks = new Map<string, number>();
  /** Start of the current start window; end is Infinity while the plugin is loading. */
  private windowFrom = Number.NEGATIVE_INFINITY;
  private windowTo = Number.NEGATIVE_INFINITY;
  /** For each reload in the current run of start-triggered ones: file -> delay after the spawn. */
  private loopRun: Array<Map<string, number>> = [];
  private openCache: { at: number; files: Set<string> } | undefined;

  constructor(
    private readonly files: PluginFiles,
    /** Paths that are build output: never sources. */
    private readonly outputs: () => readonly string[],
    /** Process groups of the plugin's live processes. */
    private readonly groups: () => readonly number[],
    /** Told once per file that is found to be the plugin's own. */
    private readonly onOwnFile: (own: OwnFile) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A process of the plugin is being spawned. */
  startBegan(): void {
    this.windowFrom = this.now();
    this.windowTo = Number.POSITIVE_INFINITY;
    // A streak is one process writing again and again; a new start begins a new one
    // (writes repeated across starts are the loop rule's business).
    this.streaks.clear();
  }

  /** The start attempt ended (loaded or failed). */
  startEnded(): void {
    this.windowTo = this.now() + SETTLE_MS;
  }

  /**
   * When a burst of changes may be acted on: a data file changed during a start waits
   * until the start settled or HOLD_MS passed, whichever comes first.
   */
  quietAt(paths: readonly string[]): number {
    let until = Number.NEGATIVE_INFINITY;
    for (const path of paths) {
      const time = this.lastChange.get(path);
      if (time !== undefined && this.inWindow(time) && !this.alwaysSource(path)) until = Math.max(until, Math.min(this.windowTo, time + HOLD_MS));
    }
    return until;
  }

  private alwaysSource(path: string): boolean {
    return SOURCE_CODE.test(path) || (MANIFEST_FILE_NAMES as readonly string[]).includes(basename(path));
  }

  private inWindow(time: number): boolean {
    return time >= this.windowFrom && time <= this.windowTo;
  }

  isOwn(path: string): boolean {
    return this.own.has(path);
  }

  /** True when a change of `path` may reload the plugin. */
  accept(path: string): boolean {
    if (basename(path) === '.gitignore' && relative(this.files.root, path) === '.gitignore') {
      this.files.reloadGitignore();
      return false;
    }
    if (this.files.ignores(path) || this.outputs().includes(path)) return false;
    if (this.own.has(path)) return false;
    const time = this.now();
    const previous = this.lastChange.get(path);
    this.lastChange.set(path, time);
    if (this.alwaysSource(path)) return true;
    if (this.heldOpen(path)) return this.mark(path, 'open');
    const streak = this.streaks.get(path);
    if (streak !== undefined && previous !== undefined && time - previous <= REPEAT_MS) {
      this.streaks.set(path, streak + 1);
      if (streak + 1 >= REPEAT_COUNT) return this.mark(path, 'repeated');
    } else if (this.inWindow(time)) this.streaks.set(path, 1);
    else this.streaks.delete(path);
    return true;
  }

  /**
   * Called with the files of a burst before it reloads. Returns the files still worth a
   * reload; an empty list means: do not reload.
   */
  settle(paths: readonly string[]): string[] {
    // A .gitignore edit applies to the burst it is part of, whatever order the events came in.
    this.files.refreshGitignore();
    const changed = paths.filter((path) => !this.own.has(path) && !this.files.ignores(path));
    if (changed.length === 0) return [];
    const delays = new Map<string, number>();
    for (const path of changed) {
      const time = this.lastChange.get(path);
      if (time !== undefined && this.inWindow(time) && !this.alwaysSource(path)) delays.set(path, time - this.windowFrom);
    }
    if (delays.size === 0) {
      this.loopRun = [];
      return changed;
    }
    this.loopRun.push(delays);
    if (this.loopRun.length < LOOP_LIMIT) return changed;
    const runs = this.loopRun.slice(-LOOP_LIMIT);
    const suspects = changed.filter((path) => {
      const seen = runs.map((run) => run.get(path));
      if (seen.some((delay) => delay === undefined)) return false;
      const values = seen as number[];
      return Math.max(...values) - Math.min(...values) <= LOOP_JITTER_MS;
    });
    if (suspects.length === 0) return changed;
    this.loopRun = [];
    for (const path of suspects) this.mark(path, 'loop');
    return changed.filter((path) => !this.own.has(path));
  }

  private mark(path: string, reason: OwnReason): false {
    this.own.set(path, reason);
    this.onOwnFile({ file: path, reason });
    return false;
  }

  private heldOpen(path: string): boolean {
    const groups = this.groups();
    if (groups.length === 0) return false;
    const time = this.now();
    if (!this.openCache || time - this.openCache.at > 100) this.openCache = { at: time, files: openFilesOf(groups) };
    if (this.openCache.files.size === 0) return false;
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Deleted since: compare the path as given.
    }
    return this.openCache.files.has(real) || this.openCache.files.has(path);
  }
}

/** What to tell the developer about a file the plugin writes itself. */
export function describeOwnFile(own: OwnFile, root: string): string {
  const name = relative(root, own.file);
  const why =
    own.reason === 'open'
      ? 'the plugin holds it open'
      : own.reason === 'repeated'
        ? 'the plugin writes it while it starts'
        : `it changed at the same moment after each of the last ${LOOP_LIMIT} starts, so every reload triggered the next one; reloading on it stopped`;
  return `${name} is written by the plugin itself (${why}): changes to it do not reload. Add \`${gitignoreLine(name)}\` to the plugin's .gitignore, or write it outside the plugin folder.`;
}

function gitignoreLine(name: string): string {
  return `/${name.split('\\').join('/')}`;
}
