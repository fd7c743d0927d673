/**
 * Permission errors (EACCES) can only be provoked for a user the permissions bind. Root
 * ignores them, so as root the test runs the CLI as `nobody` instead; when `nobody` cannot
 * reach the CLI (a checkout under /root, a Node binary in root's home) there is no way to
 * provoke the error here, and the caller skips that one test.
 */
import { spawnSync } from 'node:child_process';

const NOBODY = { uid: 65534, gid: 65534 };

/** Spawn options that make permissions apply: {} for a normal user, `nobody` for root, undefined when impossible. */
export function permissionBoundSpawn(bin: string): { uid?: number; gid?: number } | undefined {
  if (process.getuid?.() !== 0) return {};
  const probe = spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(bin)}, require('node:fs').constants.R_OK)`], { ...NOBODY, timeout: 10_000 });
  return probe.status === 0 ? NOBODY : undefined;
}
