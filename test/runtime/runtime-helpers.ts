import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Manifest } from '../../src/core/manifest/types.js';

export const HOSTILE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/hostile');

/** Reads a hostile fixture's manifest (plain YAML parse: these fixtures are known good). */
export function hostile(name: string): { manifest: Manifest; manifestDir: string } {
  const manifestDir = path.join(HOSTILE_DIR, name);
  const manifest = parse(readFileSync(path.join(manifestDir, 'plugin.yaml'), 'utf8')) as Manifest;
  return { manifest, manifestDir };
}

/** True while `pid` runs; a zombie (dead, not yet reaped by init) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/s.test(stat)) return false;
  } catch {
    // no /proc entry (or not Linux): fall back to signal 0
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until `pid` is gone (zombies of our own children are reaped by Node). */
export async function waitGone(pid: number, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  return res.json();
}
