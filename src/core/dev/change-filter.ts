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
 *     again within REPEAT_MS: a writer, not a person saving once;
 *   - or it is caught in a loop: LOOP_LIMIT reloads in a row were triggered only by
 *     files that changed right after the previous start. Then reloading on them stops
 *     and the caller is told which files, so it can say how to ignore them.
 * Once a file is known to be the plugin's, it stays so for the session (and is
 * reported once).
 */
import { realpathSync } from 'node:fs';
import { basename, relative } from 'node:path';
import type { PluginFiles } from '../build/plugin-files.js';
import { openFilesOf } from './open-files.js';

/** After a load, writes for this long still count as part of the start. */
export const SETTLE_MS = 1500;
/** A second change this soon after one made during a start: a writer. */
export const REPEAT_MS = 2000;
/** Reloads in a row triggered only by files changed right after a start: a loop. */
export const LOOP_LIMIT = 3;

export type OwnReason = 'open' | 'repeated' | 'loop';

export interface OwnFile {
  file: string;
  reason: OwnReason;
}

export class ChangeFilter {
  private readonly own = new Map<string, OwnReason>();
  private readonly lastChange = new Map<string, number>();
  /** Start of the current start window; end is Infinity while the plugin is loading. */
  private windowFrom = Number.NEGATIVE_INFINITY;
  private windowTo = Number.NEGATIVE_INFINITY;
  /** Files that triggered each reload in the current run of start-triggered reloads. */
  private loopRun: Array<Set<string>> = [];
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
  }

  /** The start attempt ended (loaded or failed). */
  startEnded(): void {
    this.windowTo = this.now() + SETTLE_MS;
  }

  /** When a change made now may be acted on: not before the start window closes. */
  quietAt(): number {
    return this.windowTo;
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
    if (this.heldOpen(path)) return this.mark(path, 'open');
    if (previous !== undefined && time - previous <= REPEAT_MS && this.inWindow(previous)) return this.mark(path, 'repeated');
    return true;
  }

  /**
   * Called with the files of a burst before it reloads. Returns the files still worth a
   * reload; an empty list means: do not reload.
   */
  settle(paths: readonly string[]): string[] {
    const changed = paths.filter((path) => !this.own.has(path));
    if (changed.length === 0) return [];
    const afterStart = changed.every((path) => {
      const time = this.lastChange.get(path);
      return time !== undefined && this.inWindow(time);
    });
    if (!afterStart) {
      this.loopRun = [];
      return changed;
    }
    this.loopRun.push(new Set(changed));
    if (this.loopRun.length < LOOP_LIMIT) return changed;
    // The same files, changed right after every one of the last starts: the plugin's.
    const suspects = changed.filter((path) => this.loopRun.every((run) => run.has(path)));
    this.loopRun = [];
    if (suspects.length === 0) return changed;
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
        : `it changed right after each of the last ${LOOP_LIMIT} starts, so every reload triggered the next one; reloading on it stopped`;
  return `${name} is written by the plugin itself (${why}): changes to it do not reload. Add \`${gitignoreLine(name)}\` to the plugin's .gitignore, or write it outside the plugin folder.`;
}

function gitignoreLine(name: string): string {
  return `/${name.split('\\').join('/')}`;
}
