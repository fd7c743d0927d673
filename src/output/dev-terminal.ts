/**
 * Terminal interaction of `dev`: single keys in raw mode (r reload, o open, q quit,
 * Ctrl+C interrupt) and opening the browser. Raw mode is always restored.
 */
import { spawn } from 'node:child_process';
import type { CliIo } from './io.js';

export interface KeyHandlers {
  reload(): void;
  open(): void;
  quit(): void;
  interrupt(): void;
}

/** Listens to single keys when stdin is a TTY. Returns a function that restores the terminal. */
export function listenForKeys(io: CliIo, handlers: KeyHandlers): () => void {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return () => undefined;
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  const onData = (data: string): void => {
    for (const key of data) {
      if (key === '\u0003') handlers.interrupt();
      else if (key === 'q' || key === '\u0004') handlers.quit();
      else if (key === 'r') handlers.reload();
      else if (key === 'o') handlers.open();
    }
  };
  stdin.on('data', onData);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    stdin.off('data', onData);
    try {
      stdin.setRawMode(false);
    } catch {
      // The terminal may already be gone.
    }
    stdin.pause();
  };
  process.once('exit', restore);
  return restore;
}

/** True when a browser should open by itself: a person at a terminal, not CI. */
export function shouldOpenBrowser(io: CliIo, wanted: boolean): boolean {
  return wanted && Boolean(io.stdout.isTTY) && !io.env.CI;
}

/**
 * Opens the URL with the platform's opener, detached. Never throws. When no browser could
 * be opened (no opener on a server or over SSH, or it failed), `onFail` says why: the `o`
 * key used to do nothing at all there, which looked like a key that did not work.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform, onFail?: (why: string) => void): boolean {
  const [command, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  let failed = false;
  const fail = (why: string): void => {
    if (failed) return;
    failed = true;
    onFail?.(why);
  };
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? `${command} was not found` : error.message));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) fail(`${command} exited with code ${code}`);
    });
    child.unref();
    return true;
  } catch (error) {
    fail((error as Error).message);
    return false;
  }
}

/** The line to print when no browser opened: the page is still one copy away. */
export function browserNotOpened(io: CliIo, url: string): (why: string) => void {
  return (why) => void io.stdout.write(`Could not open a browser (${why}); open ${url} yourself.\n`);
}
