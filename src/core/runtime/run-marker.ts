/**
 * Finding a plugin's processes that left its process group.
 *
 * Stopping the group stops what a plugin spawns, except a child that calls `setsid` (or
 * is spawned `detached`): it has a group of its own and, once its parent dies, is
 * re-parented to init. Such children survived `test` and `dev`. So every plugin gets a
 * per-run marker in its environment (`LOOM_PLUGIN_RUN=<random>`), which every descendant
 * inherits, and on Linux the processes carrying it are found under /proc, together with
 * the descendants of the plugin by parent pid (in case one cleared its environment while
 * its parent still lives). Synchronous on purpose: it also runs in the process 'exit'
 * handler. What this cannot find is documented in docs/runtime.md.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_MARKER_VAR = 'LOOM_PLUGIN_RUN';

export function newRunMarker(): string {
  return randomBytes(12).toString('hex');
}

const canScan = process.platform === 'linux';

function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : Number(fields[1]); // a zombie is already dead
  } catch {
    return undefined; // gone meanwhile
  }
}

function carries(pid: string, needle: Buffer): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(needle);
  } catch {
    return false; // gone, or another user's process (not ours to stop)
  }
}

/**
 * Live processes (not `leader` itself) that carry the marker or descend from `leader`.
 * Empty where there is no /proc (macOS, Windows): there only the group is stopped.
 */
export function markedProcesses(marker: string, leader: number): number[] {
  if (!canScan) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`${RUN_MARKER_VAR}=${marker}\0`);
  const children = new Map<number, number[]>();
  const found = new Set<number>();
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const pid = Number(entry);
    if (pid === process.pid || pid === leader) continue;
    const parent = parentOf(entry);
    if (parent === undefined) continue;
    const siblings = children.get(parent);
    if (siblings) siblings.push(pid);
    else children.set(parent, [pid]);
    if (carries(entry, needle)) found.add(pid);
  }
  // Descendants of the leader and of every marked process, by parent pid. The leader
  // only while it is still ours: its pid may belong to someone else once it has exited.
  const queue = [...(carries(String(leader), needle) ? [leader] : []), ...found];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] ?? -1) ?? []) {
      if (child === process.pid || found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return [...found];
}

/** Sends `signal` to every marked process; returns how many were signalled. */
export function signalMarked(marker: string, leader: number, signal: NodeJS.Signals): number {
  let sent = 0;
  for (const pid of markedProcesses(marker, leader)) {
    try {
      process.kill(pid, signal);
      sent += 1;
    } catch {
      // gone meanwhile
    }
  }
  return sent;
}
