/**
 * Starting and stopping a plugin from its manifest: spawn without a shell in its own
 * process group, capture its output into a bounded buffer, wait until /health answers,
 * and stop it (POST /cleanup, SIGTERM the group, SIGKILL after a grace period). Every
 * group is registered so nothing outlives the CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { InterruptedError, LoomPluginError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { LineSplitter, LogBuffer, type LogLine } from './log-buffer.js';
import { groupAlive, registerGroup, signalGroup, unregisterGroup } from './process-registry.js';
import { markedProcesses, newRunMarker, RUN_MARKER_VAR, signalMarked } from './run-marker.js';
import { rewriteArgs, rewriteEndpoint, rewriteEnv } from './port-rewrite.js';
import { canConnect, otherLoopbackListener, probeHealth } from './readiness.js';
import { diagnoseStart } from './start-hints.js';

export type { LogLine } from './log-buffer.js';
export { LogBuffer } from './log-buffer.js';
export { killAllPlugins } from './process-registry.js';

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

const STDERR_TAIL_LINES = 20;
const CLEANUP_TIMEOUT_MS = 2000;
const MIN_PROBE_GAP_MS = 20;
/**
 * Probe every MIN_PROBE_GAP_MS for this long before backing off: most plugins come up
 * within it, and a refused connect on loopback costs microseconds, while a coarse
 * backoff (50, 100, 200 ms...) made a plugin ready at 160 ms wait until 350 ms, which is
 * what a reload in `dev` and every `test` run pay.
 */
const FAST_PROBE_WINDOW_MS = 2000;

/** A free TCP port on `host` (default 127.0.0.1), released before returning. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function describeExit(info: ExitInfo): string {
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code ?? 'unknown'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function buildEnv(options: StartPluginOptions, marker: string): NodeJS.ProcessEnv {
  const extra = options.env ?? {};
  return {
    ...process.env,
    // Python buffers stdout when it is a pipe; plugin logs should appear as they happen.
    PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED ?? '1',
    ...expandConfigReferences(rewriteEnv(options.manifest.env, options.port), extra),
    ...extra,
    // Inherited by every descendant, so the ones that leave the process group are found too.
    [RUN_MARKER_VAR]: marker,
  };
}

/**
 * `${LOOM_CONFIG_<NAME>}` in a manifest `env` value becomes that config value (for `test`,
 * pointed at the mock upstream), so a plugin that reads variables of its own naming
 * (`ACME_BASE_URL`) gets the same values as one that reads LOOM_CONFIG_*. Other text,
 * and references to names not set, are left as they are.
 */
export function expandConfigReferences(env: Record<string, string>, config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(/\$\{(LOOM_CONFIG_[A-Z0-9_]+)\}/g, (reference, name: string) => config[name] ?? reference);
  }
  return out;
}

function spawnDetached(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
    } catch (error) {
      reject(error);
      return;
    }
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
    // Later errors (e.g. a failed signal delivery) must not crash the host process.
    child.on('error', () => undefined);
  });
}

export async function startPlugin(options: StartPluginOptions): Promise<RunningPlugin> {
  const { manifest, manifestDir } = options;
  if (options.signal?.aborted) throw new InterruptedError();
  if (!manifest.command) {
    throw new LoomPluginError('E_CONFIG', `The manifest of ${manifest.metadata.name} has no \`command\`, so loom-plugin cannot start it.`, {
      hint: 'Add `command` (and `args`) to plugin.yaml, or start the plugin yourself and pass --endpoint URL.',
    });
  }
  if (!manifest.endpoint) {
    throw new LoomPluginError('E_CONFIG', `The manifest of ${manifest.metadata.name} has no \`endpoint\`.`, {
      hint: 'Add `endpoint: http://127.0.0.1:<port>` to plugin.yaml.',
    });
  }
  let baseUrl: string;
  try {
    baseUrl = rewriteEndpoint(manifest.endpoint, options.port);
  } catch {
    throw new LoomPluginError('E_CONFIG', `The endpoint ${JSON.stringify(manifest.endpoint)} is not a valid URL.`, {
      hint: 'Use an http URL such as http://127.0.0.1:8090.',
    });
  }
  // Something already listening there would answer /health in the plugin's place (and
  // the plugin would die with EADDRINUSE): refuse instead of testing the wrong server.
  const target = new URL(baseUrl);
  const targetPort = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  if (await canConnect(target.hostname.replace(/^\[|\]$/g, ''), targetPort, 300)) {
    throw new LoomPluginError('E_PORT_IN_USE', `Something is already listening on ${target.host}, where the plugin should start.`, {
      hint: 'Stop the other process (an earlier run of the plugin?), or pass --endpoint to test the running one.',
      details: { endpoint: baseUrl },
    });
  }
  const args = rewriteArgs(manifest.args ?? [], options.port);
  const logs = new LogBuffer(options.logLimitBytes ?? 256 * 1024);
  // Plugins usually print "listening on ..." when they are up: output cuts the backoff
  // short, so readiness is noticed within milliseconds instead of up to 500 ms later.
  let wakeProbe: (() => void) | undefined;

  const marker = newRunMarker();
  let child: ChildProcess;
  const env = buildEnv(options, marker);
  try {
    child = await spawnDetached(manifest.command, args, manifestDir, env);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const notFound = err.code === 'ENOENT';
    const diagnosis = diagnoseStart({ command: manifest.command, args, dir: manifestDir, path: env.PATH ?? '', notFound, stderr: '' });
    if (diagnosis) {
      throw new LoomPluginError('E_PLUGIN_START', diagnosis.message, {
        hint: diagnosis.hint,
        details: { command: manifest.command, args, errno: err.code, diagnosis: diagnosis.id, stderrTail: '' },
        cause: error,
      });
    }
    throw new LoomPluginError(
      'E_PLUGIN_START',
      notFound
        ? `The plugin command ${JSON.stringify(manifest.command)} was not found (working directory ${manifestDir}).`
        : `The plugin command ${JSON.stringify(manifest.command)} could not be started: ${err.message}.`,
      {
        hint: notFound
          ? 'Check `command` in plugin.yaml: it must be on PATH or a path relative to the manifest folder.'
          : 'Check that the command exists and is executable.',
        details: { command: manifest.command, args, errno: err.code, stderrTail: '' },
        cause: error,
      },
    );
  }
  const pid = child.pid as number;
  registerGroup(pid, marker);
  /** The group, and the plugin's processes that left it (setsid, detached children). */
  const signalAll = (signal: NodeJS.Signals): void => {
    signalGroup(pid, signal);
    signalMarked(marker, pid, signal);
  };
  const anyAlive = (): boolean => groupAlive(pid) || markedProcesses(marker, pid).length > 0;

  const capture = (stream: LogLine['stream']) => {
    const splitter = new LineSplitter((text) => {
      const line = logs.push({ stream, text, time: Date.now() });
      wakeProbe?.();
      options.onLog?.(line);
    });
    const source = stream === 'stdout' ? child.stdout : child.stderr;
    source?.setEncoding('utf8');
    source?.on('data', (chunk: string) => splitter.write(chunk));
    source?.on('end', () => splitter.end());
    source?.on('error', () => splitter.end());
  };
  capture('stdout');
  capture('stderr');

  let exitInfo: ExitInfo | undefined;
  let stopping = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      // Orphaned grandchildren of a plugin that died on its own are killed too; during
      // stop() the group gets its grace period instead.
      if (!stopping) {
        signalAll('SIGKILL');
        unregisterGroup(pid);
      }
      options.onExit?.(exitInfo);
      resolve(exitInfo);
    });
  });

  let stopPromise: Promise<ExitInfo> | undefined;
  const stop = (stopOptions: StopOptions = {}): Promise<ExitInfo> => {
    stopPromise ??= stopGroup(stopOptions);
    return stopPromise;
  };
  const stopGroup = async ({ cleanup = true, graceMs = 3000 }: StopOptions): Promise<ExitInfo> => {
    if (cleanup && !exitInfo) {
      const { postCleanup } = await import('./cleanup-call.js');
      await postCleanup(baseUrl, Math.min(CLEANUP_TIMEOUT_MS, Math.max(graceMs, 200)), exited);
    }
    stopping = true;
    if (exitInfo && !anyAlive()) {
      unregisterGroup(pid);
      return exitInfo;
    }
    signalAll('SIGTERM');
    const deadline = Date.now() + graceMs;
    await Promise.race([exited, sleep(graceMs)]);
    // The leader is gone (or out of time); give the rest of the group the remaining grace.
    while (groupAlive(pid) && Date.now() < deadline) await sleep(25);
    // Processes outside the group: scanning /proc costs milliseconds, so look less often.
    while (Date.now() < deadline && markedProcesses(marker, pid).length > 0) await sleep(100);
    signalAll('SIGKILL');
    unregisterGroup(pid);
    return exited;
  };

  const running: RunningPlugin = { pid, baseUrl, logs, exited, exitInfo: () => exitInfo, stop };
  try {
    await waitUntilReady(running, options, (wake) => (wakeProbe = wake));
  } catch (error) {
    stopping = true;
    signalAll('SIGKILL');
    unregisterGroup(pid);
    await Promise.race([exited, sleep(1000)]);
    throw error;
  }
  return running;
}

async function waitUntilReady(plugin: RunningPlugin, options: StartPluginOptions, onWake: (wake: (() => void) | undefined) => void): Promise<void> {
  const started = Date.now();
  const deadline = started + options.startupTimeoutMs;
  const signal = options.signal;
  let aborted!: () => void;
  const abortPromise = new Promise<'aborted'>((resolve) => {
    aborted = () => resolve('aborted');
    signal?.addEventListener('abort', aborted, { once: true });
  });
  const exitPromise = plugin.exited.then(() => 'exited' as const);
  let delay = 50;
  let lastReason = 'no attempt made';
  try {
    for (;;) {
      if (signal?.aborted) throw new InterruptedError();
      const info = plugin.exitInfo();
      if (info) throw startFailure(plugin, options, info);
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const probeStarted = Date.now();
      const outcome = await Promise.race([probeHealth(plugin.baseUrl, remaining), exitPromise, abortPromise]);
      if (outcome === 'aborted') throw new InterruptedError();
      if (outcome === 'exited') continue;
      if (outcome.ok) return;
      lastReason = outcome.reason;
      // Output since the probe started: probe again soon rather than after the backoff.
      const newOutput = (plugin.logs.lines().at(-1)?.time ?? 0) >= probeStarted;
      const fast = newOutput || Date.now() - started < FAST_PROBE_WINDOW_MS;
      const wait = Math.min(fast ? MIN_PROBE_GAP_MS : delay, deadline - Date.now());
      if (wait > 0) {
        let wakeTimer: NodeJS.Timeout | undefined;
        // At least MIN_PROBE_GAP_MS between probes, even when a chatty plugin wakes us constantly.
        const woken = new Promise<'woken'>((resolve) => {
          wakeTimer = setTimeout(() => onWake(() => resolve('woken')), MIN_PROBE_GAP_MS);
        });
        const slept = await Promise.race([sleep(wait).then(() => 'slept' as const), woken, exitPromise, abortPromise]);
        clearTimeout(wakeTimer);
        onWake(undefined);
        if (slept === 'aborted') throw new InterruptedError();
      }
      if (!fast) delay = Math.min(delay * 2, 500);
    }
  } finally {
    signal?.removeEventListener('abort', aborted);
  }
  const elsewhere = lastReason === 'ECONNREFUSED' ? await otherLoopbackListener(plugin.baseUrl) : undefined;
  throw new LoomPluginError(
    'E_PLUGIN_NOT_READY',
    `The plugin did not answer GET ${plugin.baseUrl}/health within ${options.startupTimeoutMs} ms (last attempt: ${lastReason}).`,
    {
      hint: elsewhere
        ? `It seems to listen on ${elsewhere} instead: bind the address of \`endpoint\` in plugin.yaml (or change the endpoint).`
        : lastReason.startsWith('no answer')
          ? 'It accepts connections but GET /health never answered: make /health answer at once, even before /initialize.'
          : 'Check that the plugin listens on the endpoint in plugin.yaml (honour the PORT env var) and answers /health; raise --startup-timeout if it is just slow.',
      details: {
        endpoint: plugin.baseUrl,
        lastAttempt: lastReason,
        ...(elsewhere ? { listensOn: elsewhere } : {}),
        stderrTail: plugin.logs.tail(STDERR_TAIL_LINES, 'stderr'),
      },
    },
  );
}

function startFailure(plugin: RunningPlugin, options: StartPluginOptions, info: ExitInfo): LoomPluginError {
  const stderrTail = plugin.logs.tail(STDERR_TAIL_LINES, 'stderr');
  const args = rewriteArgs(options.manifest.args ?? [], options.port);
  const diagnosis = diagnoseStart({
    command: options.manifest.command ?? '',
    args,
    dir: options.manifestDir,
    path: buildEnv(options, '').PATH ?? '',
    notFound: false,
    stderr: stderrTail,
  });
  if (diagnosis) {
    // The cause is known: say what to run; the one telling line replaces the stack trace.
    return new LoomPluginError('E_PLUGIN_START', diagnosis.message, {
      hint: diagnosis.hint,
      details: { command: options.manifest.command, args, exitCode: info.code, signal: info.signal, diagnosis: diagnosis.id, stderrTail, stderrShown: diagnosis.evidence ?? '' },
    });
  }
  return new LoomPluginError('E_PLUGIN_START', `The plugin ${describeExit(info)} before it answered /health.`, {
    hint: stderrTail ? 'Its last stderr lines are shown; fix the error and run again.' : 'It printed nothing to stderr; run its command by hand to see why it stops.',
    details: {
      command: options.manifest.command,
      args: rewriteArgs(options.manifest.args ?? [], options.port),
      exitCode: info.code,
      signal: info.signal,
      stderrTail,
    },
  });
}
