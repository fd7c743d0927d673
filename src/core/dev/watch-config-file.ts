/**
 * The --config file is read again on every start and reload. Watching it makes a fix in
 * it (a YAML typo, a missing key, a new secret) take effect when it is saved, as a fix in
 * the plugin's own files does; without it the plugin stayed failed until something else
 * changed, with nothing saying so.
 */
import { whenReady, type PluginWatcher } from './watch-plugin.js';

export async function watchConfigFile(file: string, debounceMs: number, onChange: () => void): Promise<PluginWatcher> {
  const { watch } = await import('chokidar');
  // Atomic saves (write a temp file, rename it over) are one change, not unlink + add.
  const watcher = watch(file, { ignoreInitial: true, atomic: true });
  let timer: NodeJS.Timeout | undefined;
  watcher.on('all', (event) => {
    if (event === 'addDir' || event === 'unlinkDir') return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return whenReady(watcher, () => clearTimeout(timer));
}
