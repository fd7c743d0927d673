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
  const stops = held.started
    ? `Ctrl+C stops ${held.upstreamUrl ? 'them' : 'it'}`
    : `Ctrl+C ${held.upstreamUrl ? 'stops the mock' : 'ends the hold'}; the plugin at --endpoint is yours`;
  const lines = ['', style.bold(`Still running, for the curl lines above (${stops}):`), `  plugin         ${held.pluginUrl}`];
  if (held.upstreamUrl) lines.push(`  mock upstream  ${held.upstreamUrl}`);
  lines.push(...envLines(held, style));
  const failed = report.results.filter((result) => result.status === 'fail');
  if (failed[0]) lines.push(`  ${style.dim('Replay one check:')} loom-plugin test${replayTarget(report.plugin, io.cwd)} --only ${failed[0].id}`);
  const upstream = held.upstreamUrl
    ? "checks that scripted upstream faults meet the mock's normal answers now."
    : 'there is no mock upstream in this run, so it calls the upstream its own config names.';
  lines.push(`  ${style.dim(`The plugin was initialized again as the checks had it; ${upstream}`)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * How the curl lines get each sensitive value, true to where this run got it: a value the
 * run made up is shown (it only opens this mock); the user's own never is, only where to
 * find it, so a pasted curl line does not send an empty key unnoticed.
 */
function envLines(held: HeldRun, style: ReturnType<typeof createStyle>): string[] {
  const lines: string[] = [];
  for (const entry of held.env) {
    if (entry.value === undefined) continue;
    const why = entry.from === 'mock' ? "the mock upstream's key for this run" : `made up for this run ("${entry.field}")`;
    lines.push(`  export ${entry.name}='${entry.value}'   ${style.dim(`# ${why}`)}`);
  }
  const fromEnv = held.env.filter((entry) => entry.value === undefined && entry.from === 'env');
  if (fromEnv.length > 0) lines.push(`  ${style.dim(`The curl lines read ${fromEnv.map((entry) => `$${entry.name}`).join(', ')} from your environment, where this run read it.`)}`);
  for (const entry of held.env.filter((e) => e.value === undefined && e.from !== 'env')) {
    const where = entry.from === 'file' ? `"${entry.field}" from ${held.configFile ?? 'your --config file'}` : `the manifest's default for "${entry.field}"`;
    lines.push(`  ${style.dim(`The curl lines read $${entry.name}: set it to ${where} before pasting them (a secret, so not shown here).`)}`);
  }
  return lines;
}

/** Prints the banner and resolves when the run is interrupted (Ctrl+C or SIGTERM). */
export async function holdUntilInterrupted(held: HeldRun, report: ConformanceReport, io: CliIo): Promise<void> {
  io.stdout.write(renderHoldBanner(held, report, io));
  if (io.signal.aborted) return;
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
}
