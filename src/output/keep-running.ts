/**
 * The `test --keep-running` banner and wait: where the plugin and the mock answer, the
 * variables the curl lines read, how to replay one check, and then nothing until Ctrl+C.
 */
import type { ConformanceReport, HeldRun } from '../core/conformance/run-conformance.js';
import type { CliIo } from './io.js';
import { createStyle } from './style.js';
import { replayTarget } from './test-reporters/shared.js';

export function renderHoldBanner(held: HeldRun, report: ConformanceReport, io: CliIo): string {
  const style = createStyle(io);
  const stops = held.started ? 'Ctrl+C stops them' : 'Ctrl+C stops the mock; the plugin at --endpoint is yours';
  const lines = ['', style.bold(`Still running, for the curl lines above (${stops}):`), `  plugin         ${held.pluginUrl}`];
  if (held.upstreamUrl) lines.push(`  mock upstream  ${held.upstreamUrl}`);
  const made = held.env.filter((entry) => entry.value !== undefined);
  const own = held.env.filter((entry) => entry.value === undefined);
  // The mock's key is made up for this run and only opens this mock: fine to show.
  for (const entry of made) lines.push(`  export ${entry.name}='${entry.value ?? ''}'   ${style.dim('# the mock upstream\'s key for this run')}`);
  if (own.length > 0) lines.push(`  ${style.dim(`The curl lines read ${own.map((entry) => `$${entry.name}`).join(', ')} from your environment.`)}`);
  const failed = report.results.filter((result) => result.status === 'fail');
  if (failed[0]) lines.push(`  ${style.dim('Replay one check:')} loom-plugin test${replayTarget(report.plugin, io.cwd)} --only ${failed[0].id}`);
  lines.push(`  ${style.dim('The plugin was initialized again as the checks had it; checks that scripted upstream faults meet the mock\'s normal answers now.')}`);
  return `${lines.join('\n')}\n`;
}

/** Prints the banner and resolves when the run is interrupted (Ctrl+C or SIGTERM). */
export async function holdUntilInterrupted(held: HeldRun, report: ConformanceReport, io: CliIo): Promise<void> {
  io.stdout.write(renderHoldBanner(held, report, io));
  if (io.signal.aborted) return;
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
}
