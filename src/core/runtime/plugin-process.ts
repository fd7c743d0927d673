/**
 * Starting and stopping a plugin from its manifest: spawn without a shell in its own
 * process group, capture its output into a bounded buffer, wait until /health answers,
 * and stop it (POST /cleanup, SIGTERM the group, SIGKILL after a grace period). Every
 * group is registered so nothing outlives the CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { InterruptedError, LoomPluginError } from '../errors.js';
import { LineSplitter, LogBuffer, type LogLine } from './log-buffer.js';
import { groupAlive, registerGroup, signalGroup, unregisterGroup } from './process-registry.js';
import { markedProcesses, newRunMarker, signalMarked } from './run-marker.js';
import { rewriteArgs, rewriteEndpoint } from './port-rewrite.js';
import { canConnect } from './readiness.js';
import { diagnoseStart } from './start-hints.js';
import { buildEnv } from './plugin-env.js';
import type { ExitInfo, RunningPlugin, StartPluginOptions, StopOptions } from './running-plugin.js';
import { sleep, waitUntilReady } from './wait-until-ready.js';

export type { LogLine } from './log-buffer.js';
export { LogBuffer } from './log-buffer.js';
export { killAllPlugins } from './process-registry.js';
export type { ExitInfo, RunningPlugin, StartPluginOptions, StopOptions } from './running-plugin.js';
export { findFreePort } from './free-port.js';
export { expandConfigReferences } from './plugin-env.js';
export { describeExit } from './wait-until-ready.js';

const CLEANUP_TIMEOUT_MS = 2000;

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
      hint: 'Add `command` (and `args`) to the manifest (plugin.yaml or plugin.json), or start the plugin yourself and pass --endpoint URL.',
    });
  }
  if (!manifest.endpoint) {
    throw new LoomPluginError('E_CONFIG', `The manifest of ${manifest.metadata.name} has no \`endpoint\`.`, {
      hint: 'Add `endpoint: http://127.0.0.1:<port>` to the manifest (plugin.yaml or plugin.json).',
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
  // A plugin that ignores PORT binds the endpoint's own port instead: when that port is
  // free now, something answering there at the deadline is this plugin, and can be named.
  const ownBase = rewriteEndpoint(manifest.endpoint, undefined);
  const own = new URL(ownBase);
  const ownPort = Number(own.port || (own.protocol === 'https:' ? 443 : 80));
  const ownPortFree = ownPort !== targetPort && !(await canConnect(own.hostname.replace(/^\[|\]$/g, ''), ownPort, 300));
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
          ? 'Check `command` in the manifest: it must be on PATH or a path relative to the manifest folder.'
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
    await waitUntilReady(running, options, (wake) => (wakeProbe = wake), ownPortFree ? ownBase : undefined);
  } catch (error) {
    stopping = true;
    signalAll('SIGKILL');
    unregisterGroup(pid);
    await Promise.race([exited, sleep(1000)]);
    throw error;
  }
  return running;
}
