/**
 * File watching for hot reload. chokidar is loaded only when watching is on. Folders that
 * tools write into (dependencies, virtualenvs, build output, caches) and editor temp
 * files are ignored, so installing a package or saving in vim does not reload twice.
 * A burst of events becomes one reload after `debounceMs` of quiet.
 */
import { basename, sep } from 'node:path';
import { MANIFEST_FILE_NAMES } from '../protocol.js';

export const IGNORED_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', 'env', '__pycache__', '.pytest_cache', '.mypy_cache',
  '.ruff_cache', '.tox', 'dist', 'build', 'target', '.idea', '.vscode', 'coverage', '.next', '.cache',
]);

/** Editor droppings: vim swap/backup and its 4913 probe, emacs lock/autosave, JetBrains, macOS. */
const TEMP_FILE = /(^\.#|^#.*#$|~$|\.sw[a-p]$|\.swx$|^4913$|\.tmp$|\.temp$|___jb_(tmp|old)___$|^\.DS_Store$)/;

export function isIgnoredPath(path: string, root: string): boolean {
  const rel = path.startsWith(root) ? path.slice(root.length) : path;
  const parts = rel.split(sep).filter(Boolean);
  if (parts.slice(0, -1).some((part) => IGNORED_DIRS.has(part))) return true;
  const last = parts[parts.length - 1];
  if (last === undefined) return false;
  return IGNORED_DIRS.has(last) || TEMP_FILE.test(last);
}

export interface PluginWatcher {
  close(): Promise<void>;
}

export async function watchPlugin(
  dir: string,
  debounceMs: number,
  onChange: (info: { files: string[]; manifestChanged: boolean }) => void,
): Promise<PluginWatcher> {
  const { watch } = await import('chokidar');
  const watcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path: string) => isIgnoredPath(path, dir),
    // Atomic saves (write temp + rename) show up as one change, not unlink+add.
    atomic: true,
  });
  let timer: NodeJS.Timeout | undefined;
  let files = new Set<string>();
  const fire = (): void => {
    const changed = [...files];
    files = new Set();
    onChange({ files: changed, manifestChanged: changed.some((file) => (MANIFEST_FILE_NAMES as readonly string[]).includes(basename(file))) });
  };
  watcher.on('all', (_event, path) => {
    files.add(path);
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  });
  await new Promise<void>((resolve) => {
    watcher.once('ready', () => resolve());
  });
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
