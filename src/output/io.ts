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
