/**
 * One running process of a plugin, as the dev host uses it: started from the manifest on
 * a given port, loaded with Loom's sequence (initialize, metadata, health), then serving
 * through a pooled undici connection. Counting requests in flight lets a reload retire
 * the old process only after its last answer went out.
 */
import type { Dispatcher, Pool } from 'undici';
import { MAX_REDIRECTS, redirectHop, type Hop } from '../runtime/redirects.js';
import type { Manifest } from '../manifest/types.js';
import { startPlugin, type LogLine, type ExitInfo, type RunningPlugin } from '../runtime/plugin-process.js';
import type { ModelInfo } from './types.js';
import { chatPoolOptions } from './chat-pool.js';

export interface PluginAnswer {
  status: number | undefined;
  text: string;
  json: unknown;
  error?: string;
  latencyMs: number;
}

/** Time between SIGTERM and SIGKILL when a process is stopped. */
export const STOP_GRACE_MS = 3000;

export class LoadError extends Error {
  constructor(readonly step: string, message: string, readonly stderrTail?: string) {
    super(message);
    this.name = 'LoadError';
  }
}

export interface LaunchOptions {
  manifest: Manifest;
  dir: string;
  port: number;
  env: Record<string, string>;
  startupTimeoutMs: number;
  signal: AbortSignal;
  generation: number;
  onLog: (line: LogLine, instance: PluginInstance) => void;
  onExit: (info: ExitInfo, instance: PluginInstance) => void;
}

let undiciModule: Promise<typeof import('undici')> | undefined;
function undici(): Promise<typeof import('undici')> {
  undiciModule ??= import('undici');
  return undiciModule;
}

export class PluginInstance {
  running!: RunningPlugin;
  /** Control calls (load sequence, health) go through undici with its timeouts. */
  pool!: Pool;
  /** The chat hot path has its own pool: streams hold a connection for their whole length. */
  chatPool!: Pool;
  private pathPrefix = '';
  /** Path of the chat endpoint (with the endpoint's prefix), worked out once per process. */
  chatPath = '/chat/completions';
  /** When it became current: used to tell a crash loop from a crash after a long run. */
  servingSince = 0;
  retiring = false;
  metadata: Record<string, unknown> | undefined;
  models: ModelInfo[] = [];
  private inFlight = 0;
  private drained: Array<() => void> = [];

  private constructor(readonly port: number, readonly generation: number) {}

  static async launch(options: LaunchOptions): Promise<PluginInstance> {
    const instance = new PluginInstance(options.port, options.generation);
    const { Pool } = await undici();
    instance.running = await startPlugin({
      manifest: options.manifest,
      manifestDir: options.dir,
      port: options.port,
      env: options.env,
      startupTimeoutMs: options.startupTimeoutMs,
      signal: options.signal,
      onLog: (line) => options.onLog(line, instance),
      onExit: (info) => options.onExit(info, instance),
    });
    const url = new URL(instance.running.baseUrl);
    // A pool takes an origin only; the endpoint's path prefix goes into each path (pathFor).
    instance.pool = new Pool(url.origin, { connections: 16, keepAliveTimeout: 10_000, pipelining: 1 });
    instance.chatPool = new Pool(url.origin, chatPoolOptions());
    // Loom joins endpoint and path as strings: a path prefix in the endpoint is kept.
    instance.pathPrefix = url.pathname.replace(/\/$/, '');
    instance.chatPath = instance.pathFor('/chat/completions');
    return instance;
  }

  pathFor(path: string): string {
    return `${this.pathPrefix}${path}`;
  }

  get baseUrl(): string {
    return this.running.baseUrl;
  }

  get pid(): number {
    return this.running.pid;
  }

  /** The process group id while the process lives (it leads its own group). */
  get pidIfRunning(): number | undefined {
    return this.running && !this.running.exitInfo() ? this.running.pid : undefined;
  }

  get busy(): number {
    return this.inFlight;
  }

  acquire(): void {
    this.inFlight += 1;
  }

  release(): void {
    this.inFlight -= 1;
    if (this.inFlight <= 0) {
      this.inFlight = 0;
      for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** Resolves when no request is in flight, or after timeoutMs (bounded wait). */
  drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * A request the way Loom's client makes it: JSON headers on every call, one timeout,
   * redirects followed as Go's client follows them (a Flask route /models/ answers /models
   * with a 308, and the host loads that plugin).
   */
  async call(method: string, path: string, body: unknown, timeoutMs: number): Promise<PluginAnswer> {
    const started = performance.now();
    try {
      const origin = new URL(this.baseUrl).origin;
      let hop: Hop = {
        url: origin + this.pathFor(path),
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      };
      let response: Dispatcher.ResponseData;
      for (let hops = 0; ; hops += 1) {
        const url = new URL(hop.url);
        const options = { method: hop.method as Dispatcher.HttpMethod, headers: hop.headers, body: hop.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
        response = url.origin === origin ? await this.pool.request({ ...options, path: url.pathname + url.search }) : await (await undici()).request(url, options);
        const next = redirectHop(hop, response.statusCode, response.headers.location);
        if (!next) break;
        await response.body.dump();
        if (hops === MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
        hop = next;
      }
      const text = await response.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, text, json, latencyMs: performance.now() - started };
    } catch (error) {
      return { status: undefined, text: '', json: undefined, error: (error as Error).message, latencyMs: performance.now() - started };
    }
  }

  /** Loom's load sequence, plus /models for routing the OpenAI door. Throws LoadError. */
  async load(manifest: Manifest, config: Record<string, unknown>, timeoutMs: number): Promise<void> {
    const expect200 = (step: string, answer: PluginAnswer): void => {
      if (answer.status === 200) return;
      const why = answer.status === undefined ? (answer.error ?? 'no answer') : `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
      // The step is named where the error is shown ("models failed: ..."), once.
      throw new LoadError(step, why, this.running.logs.tail(20));
    };
    expect200('initialize', await this.call('POST', '/initialize', config, timeoutMs));

    const metadata = await this.call('GET', '/metadata', undefined, timeoutMs);
    expect200('metadata', metadata);
    if (!isObject(metadata.json)) throw new LoadError('metadata', '/metadata did not answer a JSON object.');
    if (metadata.json.provider_type !== manifest.metadata.provider_type) {
      throw new LoadError('metadata', `/metadata provider_type '${String(metadata.json.provider_type)}' does not match the manifest's '${manifest.metadata.provider_type}' (Loom refuses the plugin).`);
    }
    this.metadata = metadata.json;

    const health = await this.call('GET', '/health', undefined, timeoutMs);
    expect200('health', health);
    if (!isObject(health.json) || health.json.healthy !== true) {
      throw new LoadError('health', `/health did not report healthy: ${health.text.slice(0, 300)}`);
    }

    const models = await this.call('GET', '/models', undefined, timeoutMs);
    expect200('models', models);
    this.models = parseModels(models.json);
  }

  /**
   * Stops the process: /cleanup, then SIGTERM to its group, SIGKILL after the grace.
   * True when it had to be killed: it did not stop on SIGTERM within the grace.
   */
  async stop(): Promise<boolean> {
    this.retiring = true;
    await Promise.all([this.chatPool?.destroy().catch(() => undefined), this.pool?.destroy().catch(() => undefined)]);
    const alreadyGone = this.running.exitInfo() !== undefined;
    const info = await this.running.stop({ graceMs: STOP_GRACE_MS }).catch(() => undefined);
    return !alreadyGone && info?.signal === 'SIGKILL';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Loom wants a bare array; an OpenAI `{data: [...]}` is tolerated here so the door still works. */
export function parseModels(json: unknown): ModelInfo[] {
  const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.data) ? json.data : [];
  return list.filter((item): item is ModelInfo => isObject(item) && typeof item.id === 'string');
}
