/**
 * `loom-plugin sync [dir]`: applies the safe fixes to plugin.yaml and writes plugin.json
 * from it, printing each change. `--check` writes nothing and exits 1 when something
 * would change (for CI). Errors left after the fixes: the findings, nothing written, exit 1.
 *
 * A command of its own rather than `validate --fix`: validate reads many manifests and
 * never writes, which is what makes it safe in CI and in editors; sync writes one
 * plugin's files, and `dev` runs the same code when plugin.yaml is saved.
 */
import { ExitCode } from '../core/errors.js';
import { syncPlugin, type SyncChange, type SyncResult } from '../core/sync/sync-plugin.js';
import { displayPath } from '../output/diagnostics/shared.js';
import type { CliIo } from '../output/io.js';
import { createStyle } from '../output/style.js';
import type { SyncOptions } from './options.js';

export async function run(options: SyncOptions, io: CliIo): Promise<number> {
  const result = await syncPlugin(options.dir, { cwd: io.cwd, check: options.check, signal: io.signal });
  const style = createStyle(io);
  const where = (change: SyncChange): string => `${displayPath(change.file, io.cwd)}${change.line ? `:${change.line}` : ''}`;
  const sourceName = displayPath(result.source, io.cwd);

  if (result.errors.length > 0) {
    const { renderStylish } = await import('../output/diagnostics/stylish.js');
    io.stdout.write(renderStylish([{ file: result.source, dir: '', manifest: undefined, diagnostics: result.errors }], { cwd: io.cwd, style }));
    io.stdout.write(`${style.red('Nothing written:')} fix the errors above in ${sourceName}, then run loom-plugin sync again.\n`);
    return ExitCode.Findings;
  }
  const verb = options.check ? style.yellow('would change') : style.green('changed');
  for (const change of result.changes) io.stdout.write(`${verb} ${where(change)}: ${change.summary}\n`);
  for (const skip of result.skipped) io.stdout.write(`${style.yellow('not fixed')} ${where(skip)}: ${skip.summary}\n`);

  if (result.changes.length === 0) {
    io.stdout.write(`${style.green('✔')} ${inStepMessage(result, sourceName, io.cwd)}\n`);
    return ExitCode.Ok;
  }
  if (options.check) {
    io.stdout.write(`${style.red('✖')} ${result.changes.length === 1 ? '1 change' : `${result.changes.length} changes`} needed. Run loom-plugin sync${options.dir === '.' ? '' : ` ${options.dir}`} to make them.\n`);
    return ExitCode.Findings;
  }
  io.stdout.write(`${style.green('✔')} Wrote ${result.written.map((file) => displayPath(file, io.cwd)).join(' and ')}.\n`);
  return ExitCode.Ok;
}

/** Nothing to change, said for what sync had to work with: a YAML source, or plugin.json alone. */
function inStepMessage(result: SyncResult, sourceName: string, cwd: string): string {
  if (!('yamlBeside' in result)) return `${sourceName} and its plugin.json are in step; nothing to change.`;
  if (result.yamlBeside === undefined) {
    return `${sourceName} is this plugin's only manifest (the one the host reads) and needs no fixes; there is no plugin.yaml to sync it from, so nothing to change.`;
  }
  const yamlName = displayPath(result.yamlBeside, cwd);
  return `${sourceName} needs no fixes, so nothing changed; to write it from ${yamlName}, run loom-plugin sync on its folder.`;
}
