/**
 * The one way the CLI makes an ora spinner (on stderr).
 *
 * ora counts the lines it must clear as text width / stream.columns. A terminal 0 columns
 * wide (what `script` in CI and `docker run -t` give) makes that Infinity, and ora's clear
 * loop then never ends: synchronous, at 100% CPU, so no signal handler (Ctrl+C, SIGTERM)
 * ever runs. Hence: no width known when we start (0 or undefined) means no spinner, and
 * ora draws through a view of the stream whose width is never below 1, for a terminal
 * resized to 0 columns while the spinner runs.
 */
import type { Ora } from 'ora';
import type { CliIo, OutStream } from './io.js';
import { canAnimate } from './style.js';

/** The width ora assumes when a running terminal stops reporting one (its own default). */
const FALLBACK_COLUMNS = 80;

/** What ora needs of a terminal stream beyond write(). */
type TerminalStream = OutStream & Pick<NodeJS.WriteStream, 'cursorTo' | 'clearLine' | 'moveCursor'> & Partial<Pick<NodeJS.WriteStream, 'rows' | 'once' | 'removeListener'>>;

/** True when the stream reports a usable width: a positive, finite number of columns. */
export function hasKnownWidth(stream: OutStream): boolean {
  const columns = stream.columns;
  return typeof columns === 'number' && Number.isFinite(columns) && columns > 0;
}

function isTerminalStream(stream: OutStream): stream is TerminalStream {
  const terminal = stream as Partial<TerminalStream>;
  // ora redraws with cursor movement: it needs a real terminal stream, not just isTTY.
  return typeof terminal.cursorTo === 'function' && typeof terminal.clearLine === 'function' && typeof terminal.moveCursor === 'function';
}

/** The stream as ora sees it: every call goes to the real one, only `columns` is never below 1. */
function widthSafe(terminal: TerminalStream): NodeJS.WritableStream {
  const view = {
    isTTY: true,
    get columns(): number {
      return hasKnownWidth(terminal) ? (terminal.columns as number) : FALLBACK_COLUMNS;
    },
    get rows(): number | undefined {
      return terminal.rows;
    },
    write: (...args: Parameters<NodeJS.WriteStream['write']>) => (terminal.write as (...a: unknown[]) => boolean)(...args),
    cursorTo: (...args: Parameters<NodeJS.WriteStream['cursorTo']>) => (terminal.cursorTo as (...a: unknown[]) => boolean)(...args),
    moveCursor: (...args: Parameters<NodeJS.WriteStream['moveCursor']>) => terminal.moveCursor(...args),
    clearLine: (...args: Parameters<NodeJS.WriteStream['clearLine']>) => terminal.clearLine(...args),
    // ora waits for 'drain' when a frame could not be written at once.
    once: (event: string, listener: () => void) => {
      terminal.once?.(event, listener);
      return view;
    },
    removeListener: (event: string, listener: () => void) => {
      terminal.removeListener?.(event, listener);
      return view;
    },
  };
  return view as unknown as NodeJS.WritableStream;
}

/** An ora spinner on stderr, or undefined when there is no terminal to animate on. */
export async function createSpinner(io: CliIo): Promise<Ora | undefined> {
  const stream = io.stderr;
  if (!canAnimate(io) || !isTerminalStream(stream) || !hasKnownWidth(stream)) return undefined;
  const { default: ora } = await import('ora');
  return ora({
    stream: widthSafe(stream),
    discardStdin: false,
    // canAnimate(io) already decided from io.env; ora would look at process.env.CI itself.
    isEnabled: true,
  });
}
