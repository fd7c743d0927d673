/**
 * File watching for hot reload. chokidar is loaded only when watching is on. What counts
 * as a source is decided by PluginFiles (built-in ignores and the folder's .gitignore,
 * so installing a package or saving in vim does not reload) and by the slot's
 * ChangeFilter (files the plugin writes itself never reload it). A burst of events
 * becomes one reload after `debounceMs` of quiet, and never before a start settled.
 */
import { basename } from 'node:path';
import { MANIFEST_FILE_NAMES } from '../protocol.js';
import type { PluginFiles } from '../build/plugin-files.js';
import type { ChangeFilter } from './change-filter.js';
import type { FSWatcher } from 'chokidar';

export { isIgnoredPath, IGNORED_DIRS } from '../build/plugin-files.js';

export interface PluginWatcher {
  close(): Promise<void>;
}

export interface WatchOptions {
  files: PluginFiles;
  filter: ChangeFilter;
  debounceMs: number;
  onChange: (info: { files: string[]; manifestChanged: boolean }) => void;
}

export async function watchPlugin(options: WatchOptions): Promise<PluginWatcher> {
  const { files, filter, debounceMs } = options;
  const { watch } = await import('chokidar');
  const watcher = watch(files.root, {
    ignoreInitial: true,
    ignored: (path: string, stats?: { isDirectory(): boolean }) => files.ignores(path, stats?.isDirectory() ?? false),
    // Atomic saves (write temp + rename) show up as one change, not unlink+add.
    atomic: true,
  });
  let timer: NodeJS.Timeout | undefined;
  let burst = new Set<string>();
  const fire = (): void => {
    // A data file changed while the plugin was starting waits a little: by then the
    // plugin's own writes are told apart.
    const wait = filter.quietAt([...burst]) - Date.now();
    if (wait > 0) {
      timer = setTimeout(fire, Math.min(wait, 60_000));
      return;
    }
    const changed = filter.settle([...burst]);
    burst = new Set();
    if (changed.length === 0) return;
    options.onChange({ files: changed, manifestChanged: changed.some((file) => (MANIFEST_FILE_NAMES as readonly string[]).includes(basename(file))) });
  };
  watcher.on('all', (event, path) => {
    // A new or removed folder is no edit by itself; the files in it report themselves.
    if (event === 'addDir' || event === 'unlinkDir' || !filter.accept(path)) return;
    burst.add(path);
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  });
  return whenReady(watcher, () => clearTimeout(timer));
}

/**
 * A chokidar watcher once its first scan is done (events before it are the files already
 * there), closed with its pending debounce timer cleared: no reload fires after close.
 */
export async function whenReady(watcher: FSWatcher, clearPending: () => void): Promise<PluginWatcher> {
  await new Promise<void>((resolve) => {
    watcher.once('ready', () => resolve());
  });
  return {
    close: async () => {
      clearPending();
      await watcher.close();
    },
  };
}
