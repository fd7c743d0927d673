/**
 * Every plugin process group this process started and has not yet seen die. On process
 * 'exit' (normal end, process.exit, uncaught exception) they are all killed
 * synchronously, so a crash of the CLI or of a check never leaves a plugin or its
 * grandchildren running. SIGTERM and SIGHUP are covered too when nobody else handles
 * them (a library user without signal handlers); the CLI has its own handlers, which stop
 * plugins politely. A SIGKILL of the CLI itself cannot be caught; see docs/runtime.md.
 */

import { signalMarked } from './run-marker.js';

/** Live plugin groups, each with its run marker (for members that left the group). */
const liveGroups = new Map<number, string | undefined>();
let installed = false;

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    // Windows has no process groups: only the leader can be signalled there.
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

function onProcessExit(): void {
  killAllPlugins();
}

/**
 * Default action of a fatal signal, plus the kill: only when this is the sole listener,
 * so an application's own handling (graceful stop, exit 130) is never pre-empted.
 */
function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killAllPlugins();
  process.removeListener(signal, onFatalSignal);
  process.kill(process.pid, signal);
}

export function registerGroup(pgid: number, marker?: string): void {
  liveGroups.set(pgid, marker);
  if (!installed) {
    installed = true;
    process.on('exit', onProcessExit);
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      if (process.listenerCount(signal) === 0) process.on(signal, onFatalSignal);
    }
  }
}

export function unregisterGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return killGroup(pgid, signal);
}

/** SIGKILLs every live plugin group at once, synchronously. Safe to call any time. */
export function killAllPlugins(): number {
  let killed = 0;
  for (const [pgid, marker] of liveGroups) {
    if (killGroup(pgid, 'SIGKILL')) killed += 1;
    if (marker) killed += signalMarked(marker, pgid, 'SIGKILL');
  }
  liveGroups.clear();
  return killed;
}

/** Process group ids still registered (for tests and diagnostics). */
export function livePluginGroups(): number[] {
  return [...liveGroups.keys()];
}
