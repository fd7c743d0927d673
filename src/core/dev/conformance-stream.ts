/**
 * "Run conformance" from the playground: the same suite as `loom-plugin test`, streamed
 * to the page as NDJSON while it runs. It runs against a SECOND instance of the plugin
 * (its own process, free port and mock upstream, started and stopped by the suite), so
 * the instance serving /v1 and the chat is never touched. One run per plugin at a time;
 * closing the page's request stops the run and its process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecretMasker } from '../runtime/mask-secrets.js';
import type { PluginSlot } from './plugin-slot.js';
import type { ConformanceStreamEvent } from './types.js';

export interface ConformanceContext {
  cwd: string;
  env: NodeJS.ProcessEnv | undefined;
  /** Only for a single plugin: a sectioned --config file is not a flat config. */
  configFile: string | undefined;
  upstreamField: string | undefined;
  secrets: SecretMasker;
  signal: AbortSignal;
  /** Runs in progress by plugin key, so closing the host can wait for their processes to stop. */
  running: Map<string, Promise<void>>;
}

export async function streamConformance(req: IncomingMessage, res: ServerResponse, slot: PluginSlot, ctx: ConformanceContext): Promise<void> {
  if (ctx.running.has(slot.key)) {
    res.writeHead(409, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: `A conformance run for ${slot.key} is already in progress.` }));
    return;
  }
  const run = execute(req, res, slot, ctx);
  ctx.running.set(slot.key, run);
  await run;
}

async function execute(req: IncomingMessage, res: ServerResponse, slot: PluginSlot, ctx: ConformanceContext): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  res.on('close', stop);
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  const send = (value: ConformanceStreamEvent): void => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(ctx.secrets.maskValue(value))}\n`);
  };
  req.resume();
  try {
    send({ type: 'started', key: slot.key, note: 'Runs against a second instance of the plugin on its own port; the serving one is not touched.' });
    const { runConformance } = await import('../conformance/run-conformance.js');
    const report = await runConformance({
      dir: slot.file,
      cwd: ctx.cwd,
      env: ctx.env,
      configFile: ctx.configFile,
      upstreamField: ctx.upstreamField,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'plan') send({ type: 'plan', checks: event.checks.length, endpoint: event.endpoint });
        else if (event.type === 'result') send({ type: 'result', result: event.result });
        else if (event.type === 'plugin-exit') send(event);
      },
    });
    send({ type: 'done', ok: report.ok, summary: report.summary, pluginExit: report.pluginExit });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    send({ type: 'error', code: typeof code === 'string' ? code : 'E_INTERNAL', message: (error as Error).message });
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    ctx.running.delete(slot.key);
    if (!res.writableEnded) res.end();
  }
}
