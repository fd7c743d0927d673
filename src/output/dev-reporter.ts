/**
 * Terminal rendering of dev host events: state changes, health flips, reload outcomes,
 * crashes, requests and plugin output, one line each, prefixed by the plugin. Events are
 * masked by the host before they get here. Text a plugin or client chose (logs, messages,
 * errors, model names) passes through terminalSafe, as in `test`: a plugin must not
 * retitle, clear or recolour the developer's terminal.
 */
import type { ChalkInstance } from 'chalk';
import { renderStylish } from './diagnostics/stylish.js';
import type { PluginState, StampedEvent } from '../core/dev/types.js';
import type { CliIo } from './io.js';
import { createStyle } from './style.js';
import { terminalSafe as safe } from './terminal-safe.js';

export interface DevBanner {
  pageUrl: string;
  /** The page at this machine's network addresses (bound to 0.0.0.0 or ::). */
  networkPageUrls?: string[];
  url: string;
  mockUpstream: boolean;
  watching: boolean;
  interactive: boolean;
  skipped: string[];
  /** Passed over while searching (unreadable folders, FIFOs named plugin.yaml): said, not silent. */
  notSearched: string[];
}

export function printBanner(io: CliIo, banner: DevBanner): void {
  const style = createStyle(io);
  const out = (line = ''): void => void io.stdout.write(`${line}\n`);
  out();
  out(`  ${style.bold('Loom dev host')}  ${style.cyan(banner.pageUrl)}`);
  (banner.networkPageUrls ?? []).forEach((url, index) => out(`  ${style.dim(index === 0 ? 'On your network:' : '                ')} ${style.cyan(url)}`));
  out(`  ${style.dim('OpenAI-compatible API:')} ${banner.url}/v1  ${style.dim('(Authorization: Bearer <token from the URL above>)')}`);
  if (banner.mockUpstream) out(`  ${style.dim('Upstream:')} built-in mock provider`);
  if (!banner.watching) out(`  ${style.dim('Watching files: off (--no-watch)')}`);
  if (banner.skipped.length) out(`  ${style.dim(`Not loaded (auto_start is not true): ${terminalSafeList(banner.skipped)}`)}`);
  if (banner.notSearched.length) out(`  ${style.yellow(`Not searched (unreadable, or not a file): ${terminalSafeList(banner.notSearched)}`)}`);
  if (banner.interactive) out(`  ${style.dim('Keys:')} r reload  o open browser  q quit`);
  out();
}

function terminalSafeList(items: string[]): string {
  return items.map((item) => safe(item)).join(', ');
}

/** Binding to anything but loopback exposes the host; say so loudly. */
export function printExposureWarning(io: CliIo, host: string): void {
  const style = createStyle(io, io.stderr);
  io.stderr.write(
    `${style.yellow('Warning:')} the dev host listens on ${host}, not only on this machine's loopback. ` +
      `Anyone who can reach it and knows the token can call your plugins with your configuration.\n`,
  );
}

const STATE_COLOUR: Record<PluginState, keyof ChalkInstance & string> = {
  healthy: 'green',
  unhealthy: 'red',
  crashed: 'red',
  failed: 'red',
  invalid: 'red',
  refused: 'red',
  'waiting-config': 'yellow',
  starting: 'yellow',
  loading: 'yellow',
  reloading: 'yellow',
  stopped: 'gray',
};

/** States a start or reload passes through on its way to a verdict. */
const TRANSITIONAL = new Set<PluginState>(['starting', 'loading', 'reloading']);

export function createDevReporter(io: CliIo, options: { showLogs?: boolean } = {}): (event: StampedEvent) => void {
  const style = createStyle(io);
  const showLogs = options.showLogs ?? true;
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const clock = (time: number): string => style.dim(new Date(time).toTimeString().slice(0, 8));
  const tag = (key: string): string => style.cyan(`[${safe(key)}]`);
  const lastState = new Map<string, PluginState>();
  /** The last state that is not a step of a start or reload: what a failed reload returns to. */
  const settled = new Map<string, PluginState>();

  return (event) => {
    const at = clock(event.time);
    switch (event.type) {
      case 'state': {
        const previous = lastState.get(event.key);
        const before = settled.get(event.key);
        lastState.set(event.key, event.state);
        if (!TRANSITIONAL.has(event.state)) settled.set(event.key, event.state);
        // The crash event's own line follows with the same facts (and the stderr tail), and
        // so does the attempt's ✗ line when a start fails ("failed start failed: ..." twice).
        if (event.state === 'crashed') break;
        if (event.state === 'failed' && previous !== undefined && TRANSITIONAL.has(previous)) break;
        // Same state, new message ("Building: ..."), or back where a failed reload started
        // ("Reload failed ... still serving"): the message alone. "healthy Reload failed"
        // in green read as if the reload had worked.
        const backFromReload = previous !== undefined && TRANSITIONAL.has(previous) && event.state === before;
        if (event.message && (event.state === previous || backFromReload)) {
          out(`${at} ${tag(event.key)} ${safe(event.message)}`);
          break;
        }
        const colour = STATE_COLOUR[event.state];
        const paint = style[colour] as ChalkInstance;
        out(`${at} ${tag(event.key)} ${paint(event.state)}${event.message ? ` ${safe(event.message)}` : ''}`);
        break;
      }
      case 'attempt': {
        const a = event.attempt;
        // Config and manifest failures are already told by the state line and the findings;
        // a bad config file's hint (what to change in it) is not, so it follows the line.
        if (!a.ok && (a.step === 'config' || a.step === 'validate')) {
          if (a.step === 'config' && a.hint) out(`    ${style.dim(`Hint: ${safe(a.hint)}`)}`);
          break;
        }
        const built = a.buildMs !== undefined ? ` (build ${a.buildMs} ms)` : '';
        if (a.ok) out(`${at} ${tag(event.key)} ${style.green('✓')} ${a.reason === 'start' ? 'loaded' : `reloaded (${a.reason})`} in ${a.durationMs} ms${style.dim(built)}`);
        else {
          out(`${at} ${tag(event.key)} ${style.red('✗')} ${a.reason} failed at ${a.step ?? '?'}: ${safe(a.error ?? '')}`);
          // The compiler's output is the message itself: shown in full (it is bounded).
          if (a.buildOutput) for (const line of a.buildOutput.split('\n').slice(0, 60)) out(`    ${safe(line)}`);
          if (a.hint) out(`    ${style.dim(`Hint: ${safe(a.hint)}`)}`);
          // With live logs on, those lines were just printed as they came; say them once.
          if (a.stderrTail && !showLogs) for (const line of a.stderrTail.split('\n').slice(-10)) out(`    ${style.dim(safe(line))}`);
        }
        break;
      }
      case 'crash':
        out(`${at} ${tag(event.key)} ${style.red('crashed')} (${event.signal ? `signal ${event.signal}` : `exit code ${event.code}`}); restarting in ${event.restartInMs} ms`);
        if (!showLogs) for (const line of event.stderrTail.split('\n').filter(Boolean).slice(-10)) out(`    ${style.dim(safe(line))}`);
        break;
      case 'diagnostics':
        if (event.diagnostics.length) {
          out(`${at} ${tag(event.key)} manifest findings:`);
          // The same stylish rendering as `loom-plugin validate`.
          const file = event.diagnostics[0]!.file;
          const text = renderStylish([{ file, dir: '', manifest: undefined, diagnostics: event.diagnostics }], { style, cwd: io.cwd });
          for (const line of text.trimEnd().split('\n')) out(`  ${line}`);
        }
        break;
      case 'health':
        // State changes already tell healthy <-> unhealthy; samples stay on the page.
        break;
      case 'request': {
        const e = event.entry;
        // A stream the plugin cut short keeps the 200 it started with: the error says it ended badly.
        const ok = e.status === 200;
        const status = e.status === undefined ? style.red('ERR') : ok ? style.green(String(e.status)) : style.red(String(e.status));
        out(`${at} ${style.dim('→')} ${safe(e.method)} ${safe(e.path)} ${status} ${style.dim(`${e.durationMs.toFixed(1)} ms`)}${e.provider ? ` ${tag(e.provider)}` : ''}${e.model ? style.dim(` ${safe(e.model)}`) : ''}${e.stream ? style.dim(' stream') : ''}${e.error ? ` ${style.red(`— ${safe(e.error)}`)}` : ''}`);
        // Forwarded as it was; said here because the shipped host would refuse it.
        for (const warning of e.warnings ?? []) out(`    ${style.yellow('!')} ${safe(warning)}`);
        break;
      }
      case 'notice':
        out(`${at} ${tag(event.key)} ${event.level === 'warning' ? style.yellow('!') : style.dim('i')} ${event.message}`);
        break;
      case 'log':
        if (showLogs) out(`${at} ${tag(event.key)} ${event.stream === 'stderr' ? style.yellow(safe(event.text)) : style.dim(safe(event.text))}`);
        break;
    }
  };
}
