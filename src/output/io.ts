/**
 * What a command may touch of the outside world. The CLI entry builds one from `process`;
 * tests build one from in-memory streams and run commands in-process.
 */
export interface OutStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface InStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  stdin: InStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires on Ctrl+C / SIGTERM. Long-running work must stop, clean up and throw InterruptedError. */
  signal: AbortSignal;
  /** `--no-color` given on the command line. */
  noColor?: boolean;
}

/** True when prompts may be shown: both stdin and stdout are terminals and we are not in CI. */
export function canPrompt(io: CliIo): boolean {
  return Boolean(io.stdin.isTTY && io.stdout.isTTY) && !isTruthy(io.env.CI);
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** What `watchOutput` needs of process.stdout / process.stderr. */
export interface ProcessOutStream extends OutStream {
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  destroyed?: boolean;
  writableNeedDrain?: boolean;
}

/**
 * Calls `onClosed` once when `stream` can no longer be written: its reader went away
 * (`| head`, `| grep -q`, a pager quit early: EPIPE, or ERR_STREAM_DESTROYED for a write
 * after that) or the terminal did (EIO). Node reports this as an 'error' event, which
 * unhandled crashes with a stack trace. Every error of an output stream is taken this
 * way: all of them mean nobody will read what we write. Node destroys the stream first,
 * and it drops later writes without another event, so nothing more reaches it.
 */
export function watchOutput(stream: ProcessOutStream, onClosed: () => void): void {
  let closed = false;
  stream.on('error', () => {
    if (closed) return;
    closed = true;
    onClosed();
  });
}

/** Resolves when what was written has gone out, or can never go out (the stream is gone). */
export function flushOutput(stream: ProcessOutStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.writableNeedDrain || stream.destroyed) return resolve();
    stream.once('drain', resolve);
    stream.once('close', resolve);
  });
}

/**
 * The abort reason when a reader closed stdout or stderr: an AbortError like Ctrl+C's (for
 * fetch and timers), marked so the CLI stops the same way but does not say "Interrupted.".
 */
export function outputClosedReason(): DOMException {
  return Object.assign(new DOMException('The output was closed by its reader.', 'AbortError'), { outputClosed: true });
}

export function abortedByClosedOutput(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as { outputClosed?: unknown } | undefined)?.outputClosed === true;
}
