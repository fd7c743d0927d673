/**
 * Which files a plugin's processes hold open, read from /proc (Linux only; elsewhere the
 * answer is "unknown" and the timing rules of the change filter decide alone). A logger,
 * a SQLite database or a redirected stdout keeps its file open, so a write to it can be
 * told from an edit made by a person, whatever the timing.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const HAS_PROC = process.platform === 'linux' && (() => {
  try {
    readdirSync('/proc/self/fd');
    return true;
  } catch {
    return false;
  }
})();

export function canSeeOpenFiles(): boolean {
  return HAS_PROC;
}

/** Pids whose process group is one of `groups` (a plugin and everything it spawned). */
function membersOf(groups: ReadonlySet<number>): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces or ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (groups.has(Number(fields[2]))) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Absolute paths of the regular files the groups' processes have open. */
export function openFilesOf(groups: readonly number[]): Set<string> {
  const files = new Set<string>();
  if (!HAS_PROC || groups.length === 0) return files;
  for (const pid of membersOf(new Set(groups))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('/')) files.add(target.replace(/ \(deleted\)$/, ''));
      } catch {
        // Closed in the meantime.
      }
    }
  }
  return files;
}
