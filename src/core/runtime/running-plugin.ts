/** The shapes of a started plugin process: how to start it, how it ended, how to stop it. */
import type { Manifest } from '../manifest/types.js';
import type { LogBuffer, LogLine } from './log-buffer.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartPluginOptions {
  manifest: Manifest;
  /** Working directory of the plugin (the folder holding its manifest). */
  manifestDir: string;
  /** When given: PORT=<port> in env, and the endpoint, env.PORT and --port args rewritten. */
  port?: number;
  /** Extra env, over process.env and manifest.env. */
  env?: Record<string, string>;
  startupTimeoutMs: number;
  signal?: AbortSignal;
  /** Bound of the recent-output buffer (default 256 KiB). */
  logLimitBytes?: number;
  onLog?: (line: LogLine) => void;
  onExit?: (info: ExitInfo) => void;
}

export interface StopOptions {
  /** POST /cleanup first (default true). */
  cleanup?: boolean;
  /** Time between SIGTERM and SIGKILL (default 3000 ms). */
  graceMs?: number;
}

export interface RunningPlugin {
  pid: number;
  /** Endpoint after the port rewrite, no trailing slash. */
  baseUrl: string;
  logs: LogBuffer;
  exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | undefined;
  stop(options?: StopOptions): Promise<ExitInfo>;
}
