/**
 * From spawn to the first good GET /health: probe fast while plugins usually come up,
 * back off after, wake on output, and when it never gets there, say why (exited with a
 * known cause, listens elsewhere, never answers).
 */
import { InterruptedError, LoomPluginError } from '../errors.js';
import { buildEnv } from './plugin-env.js';
import { rewriteArgs } from './port-rewrite.js';
import { otherLoopbackListener, probeHealth } from './readiness.js';
import type { ExitInfo, RunningPlugin, StartPluginOptions } from './running-plugin.js';
import { diagnoseStart } from './start-hints.js';

export const STDERR_TAIL_LINES = 20;
const MIN_PROBE_GAP_MS = 20;
/**
 * Probe every MIN_PROBE_GAP_MS for this long before backing off: most plugins come up
 * within it, and a refused connect on loopback costs microseconds, while a coarse
 * backoff (50, 100, 200 ms...) made a plugin ready at 160 ms wait until 350 ms, which is
 * what a reload in `dev` and every `test` run pay.
 */
const FAST_PROBE_WINDOW_MS = 2000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeExit(info: ExitInfo): string {
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code ?? 'unknown'}`;
}

/**
 * `ownBase`: the manifest's endpoint as written, when its port differs from the one the
 * plugin was given and was free before the start (a plugin answering there ignores PORT).
 */
export async function waitUntilReady(plugin: RunningPlugin, options: StartPluginOptions, onWake: (wake: (() => void) | undefined) => void, ownBase?: string): Promise<void> {
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
  let ownChecked = false;
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
      // Refused past the fast window: a plugin that ignores PORT is up on the endpoint's own
      // port by now, and waiting out the whole timeout would not change that.
      if (ownBase && !ownChecked && lastReason === 'ECONNREFUSED' && Date.now() - started >= FAST_PROBE_WINDOW_MS) {
        ownChecked = true;
        if ((await probeHealth(ownBase, 1000)).ok) throw ignoresPort(plugin, options, ownBase);
      }
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
  if (lastReason === 'ECONNREFUSED' && !elsewhere && ownBase && (await probeHealth(ownBase, 1000)).ok) throw ignoresPort(plugin, options, ownBase);
  throw new LoomPluginError(
    'E_PLUGIN_NOT_READY',
    `The plugin did not answer GET ${plugin.baseUrl}/health within ${options.startupTimeoutMs} ms (last attempt: ${lastReason}).`,
    {
      hint: elsewhere
        ? `It seems to listen on ${elsewhere} instead: bind the address of \`endpoint\` in the manifest (or change the endpoint).`
        : lastReason.startsWith('no answer')
          ? 'It accepts connections but GET /health never answered: make /health answer at once, even before /initialize.'
          : 'Check that the plugin listens on the endpoint in the manifest (honour the PORT env var) and answers /health; raise --startup-timeout if it is just slow.',
      details: {
        endpoint: plugin.baseUrl,
        lastAttempt: lastReason,
        ...(elsewhere ? { listensOn: elsewhere } : {}),
        stderrTail: plugin.logs.tail(STDERR_TAIL_LINES, 'stderr'),
      },
    },
  );
}

/** It answers on the manifest's own port: it never read the PORT it was given. */
function ignoresPort(plugin: RunningPlugin, options: StartPluginOptions, ownBase: string): LoomPluginError {
  const given = new URL(plugin.baseUrl).port;
  return new LoomPluginError(
    'E_PLUGIN_NOT_READY',
    `The plugin answers GET /health on ${ownBase}, the endpoint's own port, not on port ${given}, which loom-plugin gave it in PORT: it does not read PORT.`,
    {
      hint: `Read the port from the PORT environment variable (loom-plugin starts each plugin on a free port; a \`--port\` in args is rewritten too), or start the plugin yourself and pass --endpoint ${ownBase}.`,
      details: { endpoint: plugin.baseUrl, listensOn: ownBase, startupTimeoutMs: options.startupTimeoutMs, stderrTail: plugin.logs.tail(STDERR_TAIL_LINES, 'stderr') },
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
