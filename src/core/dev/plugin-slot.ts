/**
 * One hosted plugin across its whole life: validate, resolve config, start a process,
 * load it, serve, poll health, reload without downtime, roll back a broken version,
 * restart after a crash with backoff. State changes and logs go out as events.
 */
import type { Diagnostic, Manifest } from '../manifest/types.js';
import { isLoomPluginError } from '../errors.js';
import { loadPluginManifest } from '../manifest/load-plugin-manifest.js';
import { findFreePort, type ExitInfo, type LogLine } from '../runtime/plugin-process.js';
import { configToEnv, type ResolvedConfig } from '../runtime/config.js';
import { missingConfigMessage, resolveSlotConfig, type ConfigAnswers } from './slot-config.js';
import { PluginInstance, STOP_GRACE_MS } from './plugin-instance.js';
import { buildBeforeStart, commandPath, PluginFiles } from '../build/index.js';
import { ChangeFilter, describeOwnFile } from './change-filter.js';
import type { SlotContext } from './slot-context.js';
import { probeHealth } from './slot-health.js';
import { publicConfigValues, slotView } from './slot-view.js';
import { describeBuildFailure, describeStartFailure } from './attempt-failures.js';
import type { AttemptInfo, HealthSample, PluginState, PluginView } from './types.js';

export type { SlotContext } from './slot-context.js';

const HEALTH_HISTORY = 120;
const LOG_LINES = 500;
/** A process that served this long before crashing restarts at the base delay again. */
const STABLE_AFTER_MS = 10_000;

export class PluginSlot {
  state: PluginState = 'stopped';
  stateMessage: string | undefined;
  active: PluginInstance | undefined;
  readonly health: HealthSample[] = [];
  readonly logs: Array<{ stream: 'stdout' | 'stderr'; text: string; time: number; generation: number }> = [];
  lastAttempt: AttemptInfo | undefined;
  restarts = 0;
  generation = 0;
  missingConfig: string[] = [];
  configSources: Record<string, string> = {};
  private config: ResolvedConfig | undefined;
  /** Config typed in when asked; the slot asks at most once. */
  private readonly prompted: ConfigAnswers = { answers: {}, asked: false };
  private backoffMs: number;
  private recovering = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private retirements = new Set<Promise<void>>();
  private retiringInstances = new Set<PluginInstance>();
  /** A process started by an attempt that is still loading it (stopped if the host closes). */
  private launching: PluginInstance | undefined;
  private closed = false;
  /** Sources of the plugin folder, and which changes in it are the plugin's own writes. */
  readonly files: PluginFiles;
  readonly changes: ChangeFilter;

  constructor(
    readonly key: string,
    readonly file: string,
    readonly dir: string,
    public manifest: Manifest | undefined,
    public diagnostics: Diagnostic[],
    private readonly ctx: SlotContext,
  ) {
    this.backoffMs = ctx.restartBaseMs;
    this.files = new PluginFiles(dir);
    this.changes = new ChangeFilter(
      this.files,
      () => {
        const output = this.manifest ? commandPath(this.manifest, this.dir) : undefined;
        return output ? [output] : [];
      },
      () => this.processGroups(),
      (own) => this.ctx.bus.emit({ type: 'notice', key: this.key, level: own.reason === 'loop' ? 'warning' : 'info', message: describeOwnFile(own, this.dir) }),
    );
  }

  /** Process groups of every live process of this plugin (serving, starting, retiring). */
  private processGroups(): number[] {
    const pids = [this.active, this.launching, ...this.retiringInstances].map((instance) => instance?.pidIfRunning);
    return pids.filter((pid): pid is number => pid !== undefined);
  }

  get providerType(): string | undefined {
    return this.manifest?.metadata.provider_type;
  }

  get healthIntervalMs(): number {
    return this.ctx.healthIntervalMs ?? (this.manifest?.health_check_interval ?? 30) * 1000;
  }

  setState(state: PluginState, message?: string): void {
    if (this.state === state && this.stateMessage === message) return;
    this.state = state;
    this.stateMessage = message;
    this.ctx.bus.emit({ type: 'state', key: this.key, state, ...(message ? { message } : {}) });
  }

  /** One start/reload attempt. Never throws: the outcome is recorded and returned. */
  async attempt(reason: string, revalidate: boolean): Promise<AttemptInfo> {
    const started = performance.now();
    const finish = (ok: boolean, extra: Partial<AttemptInfo> = {}): AttemptInfo => {
      const info: AttemptInfo = { time: Date.now(), ok, reason, durationMs: Math.round(performance.now() - started), ...extra };
      this.lastAttempt = info;
      // An attempt cut short by the host stopping (Ctrl+C) is no failure to report: the
      // terminal printed a red "failed at start: Interrupted." after every quit mid-reload.
      if (ok || !(this.closed || this.ctx.signal.aborted)) this.ctx.bus.emit({ type: 'attempt', key: this.key, attempt: info });
      return info;
    };
    if (this.closed) return finish(false, { step: 'start', error: 'The dev host is closing.' });
    clearTimeout(this.restartTimer);

    if (revalidate) {
      const failure = await this.revalidate();
      if (failure) return finish(false, { step: 'validate', error: failure });
    }
    const manifest = this.manifest;
    if (!manifest) {
      this.setState('invalid', 'The manifest has errors.');
      return finish(false, { step: 'validate', error: 'The manifest has errors.' });
    }

    const configFailure = await this.resolveConfig(manifest);
    if (configFailure) return finish(false, { step: 'config', ...configFailure });
    const config = this.config!;

    this.setState(this.active ? 'reloading' : 'starting');
    const built = await this.build(manifest);
    if ('error' in built) return finish(false, built.error);
    const buildMs = built.buildMs;
    const generation = ++this.generation;
    let candidate: PluginInstance | undefined;
    this.changes.startBegan();
    try {
      const port = await findFreePort('127.0.0.1');
      candidate = await PluginInstance.launch({
        manifest,
        dir: this.dir,
        port,
        env: configEnv(config),
        startupTimeoutMs: this.ctx.startupTimeoutMs,
        signal: this.ctx.signal,
        generation,
        onLog: (line, instance) => this.onLog(line, instance),
        onExit: (info, instance) => this.onExit(info, instance),
      });
      this.launching = candidate;
      if (this.closed) throw new Error('The dev host is closing.');
      if (!this.active) this.setState('loading');
      await candidate.load(manifest, config.values, Math.min(this.ctx.startupTimeoutMs, 30_000));
      if (this.closed) throw new Error('The dev host is closing.');
    } catch (error) {
      this.launching = undefined;
      this.changes.startEnded();
      if (candidate) {
        candidate.retiring = true;
        await candidate.stop();
      }
      if (this.ctx.signal.aborted || this.closed) return finish(false, { step: 'start', error: 'Interrupted.' });
      const { step, message, stderrTail, hint } = describeStartFailure(error);
      if (this.active) {
        // Rollback: the previous version keeps serving; the failed attempt is shown.
        this.setState(this.stateFromHealth(), `Reload failed (${step}): ${message} — still serving the previous version.`);
      } else {
        this.setState('failed', `${step} failed: ${message}`);
        if (this.recovering) this.scheduleRestart();
      }
      return finish(false, { step, error: message, ...(hint ? { hint } : {}), ...(stderrTail ? { stderrTail } : {}), ...(buildMs !== undefined ? { buildMs } : {}) });
    }

    this.launching = undefined;
    this.changes.startEnded();
    const previous = this.active;
    this.active = candidate;
    candidate.servingSince = Date.now();
    // A crash of the old process during this attempt needs no restart any more.
    this.recovering = false;
    clearTimeout(this.restartTimer);
    this.ctx.onServingChanged();
    this.startHealthLoop();
    this.setState('healthy');
    if (previous) this.retire(previous);
    return finish(true, buildMs !== undefined ? { buildMs } : {});
  }

  /**
   * Builds the plugin (Go, or the manifest's `build`) so what starts is the source on
   * disk. A failed build is a failed attempt carrying the compiler's output; the
   * previous version, if any, keeps serving.
   */
  private async build(manifest: Manifest): Promise<{ buildMs: number | undefined } | { error: Partial<AttemptInfo> }> {
    try {
      const outcome = await buildBeforeStart(manifest, this.dir, {
        skip: !this.ctx.build,
        signal: this.ctx.signal,
        onBuild: (line) => this.setState(this.state, `Building: ${line}`),
      });
      if (outcome.stale) this.ctx.bus.emit({ type: 'notice', key: this.key, level: 'warning', message: outcome.stale });
      return { buildMs: outcome.build?.durationMs };
    } catch (error) {
      if (this.ctx.signal.aborted || this.closed) return { error: { step: 'build', error: 'Interrupted.' } };
      const failure = describeBuildFailure(error);
      if (this.active) this.setState(this.stateFromHealth(), `Build failed: ${failure.error} — still serving the previous version.`);
      else this.setState('failed', `build failed: ${failure.error}`);
      return { error: failure };
    }
  }

  /**
   * A reload stopped before any process started. Said in the state line, the one the
   * terminal prints for such failures: a serving plugin keeps its state, with the reason.
   */
  private notStarted(message: string, idleState: PluginState): string {
    if (this.active) this.setState(this.stateFromHealth(), `${message} Still serving the previous version.`);
    else this.setState(idleState, message);
    return message;
  }

  private async revalidate(): Promise<string | undefined> {
    let result;
    try {
      result = await loadPluginManifest(this.file, this.ctx.cwd);
    } catch (error) {
      // Deleted or unreadable (a branch switch, a move): without a word the save looked ignored.
      return this.notStarted((error as Error).message, 'invalid');
    }
    this.diagnostics = result.diagnostics;
    this.ctx.bus.emit({ type: 'diagnostics', key: this.key, diagnostics: result.diagnostics });
    if (!result.manifest) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      return this.notStarted(`The manifest has ${errors} error${errors === 1 ? '' : 's'}.`, 'invalid');
    }
    const providerType = result.manifest.metadata.provider_type;
    if (providerType !== this.providerType && this.ctx.providerTaken(providerType, this)) {
      return this.notStarted(`provider_type '${providerType}' is already used by another plugin.`, 'failed');
    }
    this.manifest = result.manifest;
    return undefined;
  }

  /** Undefined when the config is complete; else why not, and (for a bad file) what to do. */
  private async resolveConfig(manifest: Manifest): Promise<{ error: string; hint?: string } | undefined> {
    try {
      const config = await resolveSlotConfig(this.ctx, this.key, manifest, this.prompted);
      this.missingConfig = config.missingRequired;
      this.configSources = config.sources;
      if (config.missingRequired.length > 0) {
        const message = missingConfigMessage(config.missingRequired, this.ctx.configFile, this.ctx.sectioned ? manifest.metadata.provider_type : undefined);
        // While a version serves, the state stays; the message is what tells that a saved
        // manifest (a new required field) was not started, else the save looks ignored.
        if (this.active) this.setState(this.stateFromHealth(), `${message} Still serving the previous version.`);
        else this.setState('waiting-config', message);
        return { error: message };
      }
      this.config = config;
      return undefined;
    } catch (error) {
      const message = isLoomPluginError(error) ? error.message : `Config could not be resolved: ${(error as Error).message}`;
      if (this.active) this.setState(this.stateFromHealth(), `${message} Still serving the previous version.`);
      else this.setState('failed', message);
      return { error: message, ...(isLoomPluginError(error) && error.hint ? { hint: error.hint } : {}) };
    }
  }

  private stateFromHealth(): PluginState {
    const last = this.health[this.health.length - 1];
    return last && !last.healthy ? 'unhealthy' : 'healthy';
  }

  private onLog(line: LogLine, instance: PluginInstance): void {
    this.logs.push({ ...line, generation: instance.generation });
    if (this.logs.length > LOG_LINES) this.logs.shift();
    this.ctx.bus.emit({ type: 'log', key: this.key, stream: line.stream, text: line.text });
  }

  private onExit(info: ExitInfo, instance: PluginInstance): void {
    // A retired process or one that failed to load is expected to go.
    if (instance.retiring || this.closed || instance !== this.active) return;
    this.active = undefined;
    clearInterval(this.healthTimer);
    void instance.chatPool.destroy().catch(() => undefined);
    void instance.pool.destroy().catch(() => undefined);
    this.ctx.onServingChanged();
    if (Date.now() - instance.servingSince > STABLE_AFTER_MS) this.backoffMs = this.ctx.restartBaseMs;
    this.restarts += 1;
    const how = info.signal ? `signal ${info.signal}` : `code ${info.code}`;
    const delay = this.backoffMs;
    this.setState('crashed', `Exited with ${how}; restarting in ${formatMs(delay)}.`);
    this.ctx.bus.emit({ type: 'crash', key: this.key, code: info.code, signal: info.signal, stderrTail: instance.running.logs.tail(20), restartInMs: delay });
    this.recovering = true;
    this.scheduleRestart();
  }

  /** Next restart after the current delay; each failure in a row doubles it (capped). */
  private scheduleRestart(): void {
    if (this.closed) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.ctx.restartMaxMs);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.ctx.schedule(this, 'crash restart', false), delay);
    this.restartTimer.unref();
  }

  private startHealthLoop(): void {
    clearInterval(this.healthTimer);
    const interval = this.healthIntervalMs;
    this.healthTimer = setInterval(() => void this.pollHealth(), interval);
    this.healthTimer.unref();
    // The load's own /health counts as the first sample.
    this.recordHealth({ time: Date.now(), healthy: true, latencyMs: 0, status: 200, message: 'loaded' });
  }

  private async pollHealth(): Promise<void> {
    const instance = this.active;
    if (!instance || this.closed) return;
    const sample = await probeHealth(instance, Math.min(this.healthIntervalMs, 10_000));
    if (instance !== this.active) return;
    this.recordHealth(sample);
    if (this.state === 'healthy' || this.state === 'unhealthy') this.setState(sample.healthy ? 'healthy' : 'unhealthy', sample.healthy ? undefined : sample.message);
  }

  private recordHealth(sample: HealthSample): void {
    this.health.push(sample);
    if (this.health.length > HEALTH_HISTORY) this.health.shift();
    this.ctx.bus.emit({ type: 'health', key: this.key, sample });
  }

  /** Old process: let requests in flight finish (bounded), then /cleanup and stop. */
  private retire(instance: PluginInstance): void {
    instance.retiring = true;
    this.retiringInstances.add(instance);
    const done = instance
      .drain(this.ctx.drainTimeoutMs)
      .then(() => instance.stop())
      .then((killed) => this.reportKilled(killed, instance))
      .finally(() => {
        this.retirements.delete(done);
        this.retiringInstances.delete(instance);
      });
    this.retirements.add(done);
  }

  /**
   * A process that ignored SIGTERM was killed: said, because the author's stop path does
   * not work (the wait before it looked like a slow reload or a hung quit).
   */
  private reportKilled(killed: boolean, instance: PluginInstance): void {
    if (!killed) return;
    this.ctx.bus.emit({
      type: 'notice',
      key: this.key,
      level: 'warning',
      message: `Process ${instance.pid} did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM and was killed: on SIGTERM, let requests in flight finish, then exit.`,
    });
  }

  /** The config the host resolved for this plugin (secrets included: never send it out). */
  configValues(): Record<string, unknown> {
    return { ...this.config?.values };
  }

  view(): PluginView {
    return slotView(this, this.ctx.cwd, publicConfigValues(this.manifest, this.config?.values ?? {}));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.healthTimer);
    const launching = this.launching;
    if (launching) {
      launching.retiring = true;
      await launching.stop();
    }
    const active = this.active;
    this.active = undefined;
    if (active) {
      active.retiring = true;
      await active.drain(1000);
      this.reportKilled(await active.stop(), active);
    }
    await Promise.all([...this.retirements]);
  }
}

/** Values go to /initialize and, for plugins that read their environment, LOOM_CONFIG_*. */
function configEnv(config: ResolvedConfig): Record<string, string> {
  return configToEnv(config.values);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
