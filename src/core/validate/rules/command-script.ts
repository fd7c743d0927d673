/**
 * `command: run.sh` with run.sh in the plugin folder. The shipped host starts no
 * processes, but `loom-plugin test` and `dev` (and anything else that runs `command`
 * without a shell) look a bare name up on PATH only: the plugin folder is the working
 * directory, not a PATH entry, so the script is never found. A name that is on PATH
 * (python3, node) or holds a slash is left alone. The same advice as the start-up
 * diagnosis `command-not-on-path` (src/core/runtime/start-hints.ts), before anything runs.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { findOnPath } from '../../runtime/start-hints.js';
import type { RuleContext } from '../rule-context.js';

function isFile(file: string): boolean {
  try {
    // No throw for the usual answer (no such file): an Error per manifest showed in a 1,000-file run.
    return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function checkCommandScript(ctx: RuleContext, command: string): void {
  if (command === '' || command.includes('/') || command.includes('\\')) return;
  // One stat for the common case (python3 is not a file in the plugin folder); PATH only after it.
  const dir = dirname(isAbsolute(ctx.file) ? ctx.file : resolve(ctx.file));
  // `dir` is absolute and normalised (dirname of a resolved path) and `command` holds no
  // separator: join() would normalise the whole path again, for every manifest.
  const script = dir.endsWith(sep) ? dir + command : dir + sep + command;
  if (!isFile(script) || findOnPath(command, process.env.PATH ?? '') !== undefined) return;
  const chmod = isExecutable(script) ? '' : ` and make it executable (chmod +x ${command})`;
  ctx.report({
    path: ['command'],
    rule: 'command/not-on-path',
    message: `command ${command} is a file in the plugin folder, but a bare name is looked up on PATH only: loom-plugin test and dev would not find it.`,
    hint: `Set \`command: ./${command}\` in the manifest${chmod}.`,
  });
}
