/**
 * Which files of a plugin folder are its sources: everything except what tools write
 * (dependencies, virtualenvs, build output, caches), editor temp files, and what the
 * folder's `.gitignore` lists. The watcher and the stale-binary check share this, so
 * "a change that reloads" and "a source newer than the binary" mean the same files.
 */
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const IGNORED_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', 'env', '__pycache__', '.pytest_cache', '.mypy_cache',
  '.ruff_cache', '.tox', 'dist', 'build', 'target', '.idea', '.vscode', 'coverage', '.next', '.cache',
]);

/** Editor droppings: vim swap/backup and its 4913 probe, emacs lock/autosave, JetBrains, macOS. */
const TEMP_FILE = /(^\.#|^#.*#$|~$|\.sw[a-p]$|\.swx$|^4913$|\.tmp$|\.temp$|___jb_(tmp|old)___$|^\.DS_Store$)/;

/** The built-in rule: tool folders anywhere on the path, editor temp files by name. */
export function isIgnoredPath(path: string, root: string): boolean {
  const rel = path.startsWith(root) ? path.slice(root.length) : path;
  const parts = rel.split(sep).filter(Boolean);
  if (parts.slice(0, -1).some((part) => IGNORED_DIRS.has(part))) return true;
  const last = parts[parts.length - 1];
  if (last === undefined) return false;
  return IGNORED_DIRS.has(last) || TEMP_FILE.test(last);
}

/** The plugin folder's ignore rules: built-in ones plus its `.gitignore` (re-read on demand). */
export class PluginFiles {
  private rules: Ignore = ignore();
  /** Patterns of the `.gitignore`, for messages ("already ignored"). */
  gitignoreText = '';
  /** The `.gitignore` as last read (mtime and size), so a change whose event came late or never is still seen. */
  private gitignoreStamp = '';

  constructor(readonly root: string) {
    this.reloadGitignore();
  }

  get gitignoreFile(): string {
    return join(this.root, '.gitignore');
  }

  /** Reads `.gitignore` again (it changed); a missing file means no rules. */
  reloadGitignore(): void {
    this.gitignoreStamp = this.stamp();
    let text = '';
    try {
      text = readFileSync(this.gitignoreFile, 'utf8');
    } catch {
      text = '';
    }
    this.gitignoreText = text;
    this.rules = ignore().add(text);
  }

  /**
   * Reads `.gitignore` again if it changed since it was last read. The watcher's event for
   * it may arrive after the events of files it now ignores (they are stat'ed in parallel),
   * or not at all when the edit and a later write fall in one burst on a loaded machine.
   */
  refreshGitignore(): void {
    if (this.stamp() !== this.gitignoreStamp) this.reloadGitignore();
  }

  private stamp(): string {
    try {
      const info = statSync(this.gitignoreFile);
      return `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch {
      return 'missing';
    }
  }

  /** True for a path (absolute, inside root) that is not one of the plugin's sources. */
  ignores(path: string, isDirectory = false): boolean {
    if (isIgnoredPath(path, this.root)) return true;
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..')) return false;
    // `bin/` in .gitignore matches the folder only when it is named as one.
    return this.rules.ignores(rel.split(sep).join('/') + (isDirectory ? '/' : ''));
  }

  /** The newest source file matching `pattern` (by name), ignoring `except`; undefined if none. */
  async newestSource(pattern: RegExp | undefined, except: ReadonlySet<string>): Promise<{ file: string; mtimeMs: number } | undefined> {
    let newest: { file: string; mtimeMs: number } | undefined;
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > 12) return;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (except.has(path) || this.ignores(path, entry.isDirectory())) continue;
        if (entry.isDirectory()) await walk(path, depth + 1);
        else if (entry.isFile() && (!pattern || pattern.test(entry.name))) {
          const mtimeMs = await stat(path).then((info) => info.mtimeMs, () => 0);
          if (!newest || mtimeMs > newest.mtimeMs) newest = { file: path, mtimeMs };
        }
      }
    };
    await walk(this.root, 0);
    return newest;
  }
}
