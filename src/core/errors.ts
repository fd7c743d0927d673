/**
 * The one error model of loom-plugin.
 *
 * Core code throws `LoomPluginError` for anything a user can act on (bad flag, missing
 * manifest, plugin that will not start). The CLI entry turns it into a one-sentence
 * message plus hint and the documented exit code; no stack trace is shown for these.
 * Anything else that escapes is a bug and is reported as `E_INTERNAL` (exit 2, with the
 * stack only under `LOOM_PLUGIN_DEBUG=1`).
 */

/** Documented process exit codes. Keep in sync with README "Exit codes". */
export const ExitCode = {
  Ok: 0,
  /** Findings: invalid manifest, failed checks. */
  Findings: 1,
  /** Usage or configuration error: bad flags, missing files, no TTY for a prompt. */
  Usage: 2,
  /** The plugin could not be started, or it crashed. */
  PluginFailed: 3,
  /** Interrupted by Ctrl+C (SIGINT) or SIGTERM. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Stable error codes. They appear in the error documents of the machine formats and in
 * docs; never rename one, only add. The value is the exit code the CLI uses for it.
 */
export const ErrorCodes = {
  E_USAGE: ExitCode.Usage,
  E_CONFIG: ExitCode.Usage,
  E_NO_MANIFEST: ExitCode.Usage,
  /** A file given as a manifest is not one (README.md, a .py file...). */
  E_NOT_MANIFEST: ExitCode.Usage,
  E_MANIFEST_INVALID: ExitCode.Findings,
  E_FILE_READ: ExitCode.Usage,
  /** A folder or file cannot be created where the user asked (read-only, /proc, a file in the way). */
  E_FILE_WRITE: ExitCode.Usage,
  E_NO_TTY: ExitCode.Usage,
  E_BAD_NAME: ExitCode.Usage,
  E_TARGET_EXISTS: ExitCode.Usage,
  E_UNKNOWN_SCHEMA: ExitCode.Usage,
  E_INSTALL_FAILED: ExitCode.Findings,
  /** A bundled `init` template is broken (bug in loom-plugin): unknown placeholder, invalid manifest. */
  E_TEMPLATE_INVALID: ExitCode.Usage,
  E_PORT_IN_USE: ExitCode.Usage,
  E_PLUGIN_START: ExitCode.PluginFailed,
  /** The build before the start failed (compiler errors, missing toolchain). */
  E_BUILD_FAILED: ExitCode.PluginFailed,
  E_PLUGIN_NOT_READY: ExitCode.PluginFailed,
  E_PLUGIN_CRASHED: ExitCode.PluginFailed,
  E_PLUGIN_UNREACHABLE: ExitCode.PluginFailed,
  E_INTERRUPTED: ExitCode.Interrupted,
  E_INTERNAL: ExitCode.Usage,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export interface LoomPluginErrorOptions {
  /** One sentence telling the user what to do next. */
  hint?: string;
  /** Structured context for `--json` output (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class LoomPluginError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: LoomPluginErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoomPluginError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): ExitCode {
    return ErrorCodes[this.code];
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
      exitCode: this.exitCode,
    };
  }
}

export function usageError(message: string, hint?: string): LoomPluginError {
  return new LoomPluginError('E_USAGE', message, hint === undefined ? {} : { hint });
}

export class InterruptedError extends LoomPluginError {
  constructor(message = 'Interrupted.') {
    super('E_INTERRUPTED', message);
    this.name = 'InterruptedError';
  }
}

export function isLoomPluginError(error: unknown): error is LoomPluginError {
  return error instanceof LoomPluginError;
}

/** Throws `InterruptedError` when the signal has fired; call between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}
