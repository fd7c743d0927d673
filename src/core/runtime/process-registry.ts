/**
 * Every plugin process group this process started and has not yet seen die. On process
 * 'exit' (normal end, process.exit, uncaught exception) they are all killed
 * synchronously, so a crash of the CLI or of a check never leaves a plugin or its
 * grandchildren running. A SIGKILL of the CLI itself cannot be caught; see docs/runtime.md.
 */

const liveGroups = new Set<number>();
let installed = false;

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

function onProcessExit(): void {
  killAllPlugins();
}

export function registerGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (!installed) {
    installed = true;
    process.on('exit', onProcessExit);
  }
}

export function unregisterGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
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
  for (const pgid of liveGroups) {
    if (killGroup(pgid, 'SIGKILL')) killed += 1;
  }
  liveGroups.clear();
  return killed;
}

/** Process group ids still registered (for tests and diagnostics). */
export function livePluginGroups(): number[] {
  return [...liveGroups];
}
