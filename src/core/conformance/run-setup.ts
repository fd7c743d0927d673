/**
 * The steps of a run up to the first check (see run-conformance.ts for the sequence):
 * choose the checks, read the manifest, resolve the config, build the plugin, start the mock upstream,
 * start the plugin (or attach to one). Each step fills in the RunState; anything that
 * stops the run is a LoomPluginError. Runtime modules are imported here, on demand: they
 * pull in undici and yaml, which a caller that only wants the types should not pay for.
 */
import { resolve } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import type { ExitInfo } from '../runtime/plugin-process.js';
import type { PluginClient } from '../runtime/http-client.js';
import { loadExpectedFailures } from './expected-failures.js';
import { configOf, hasConfigField, loadedOf, type LoadedManifest, type RunState } from './run-state.js';

/** Plugin output kept per check, for the failure report. */
const CHECK_LOG_LINES = 20;

/** Selection and baseline first: a typo there is a usage error that must not cost a plugin start. */
export async function selectRun(run: RunState): Promise<void> {
  const { CHECKS, selectChecks } = await import('./catalogue.js');
  const { options } = run;
  run.checks = selectChecks(options.only ?? [], options.skip ?? []);
  run.baseline =
    typeof options.expectedFailures === 'string'
      ? await loadExpectedFailures(options.expectedFailures, run.cwd, CHECKS)
      : (options.expectedFailures ?? []);
  run.baselineName = typeof options.expectedFailures === 'string' ? options.expectedFailures : undefined;
}

/**
 * Loads the manifest, or throws E_MANIFEST_INVALID with the diagnostics in details. With
 * `strict`, warnings stop the run too, exactly as `validate --strict` fails on them (a
 * `requird: true` typo is a warning that silently makes a field optional).
 */
export async function loadManifestForTest(dir: string, cwd: string, strict = false, notedRules: readonly string[] = []): Promise<LoadedManifest> {
  const { loadPluginManifest } = await import('../manifest/load-plugin-manifest.js');
  const result = await loadPluginManifest(dir, cwd);
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  // Under --profile guide the host's rules are notes, so their warnings do not stop --strict.
  const warnings = strict ? result.diagnostics.filter((d) => d.severity !== 'error' && !notedRules.includes(d.rule)).length : 0;
  if (!result.manifest || errors.length > 0 || warnings > 0) {
    const counted = [
      ...(errors.length > 0 ? [errors.length === 1 ? '1 error' : `${errors.length} errors`] : []),
      ...(warnings > 0 ? [`${warnings === 1 ? '1 warning' : `${warnings} warnings`} (--strict fails on warnings, as validate --strict does)`] : []),
    ];
    throw new LoomPluginError(
      'E_MANIFEST_INVALID',
      `The manifest ${result.file} has ${counted.join(' and ') || '1 error'}; fix it before testing the plugin.`,
      { hint: 'Run loom-plugin validate to check the manifest again after editing it.', details: { file: result.file, diagnostics: result.diagnostics } },
    );
  }
  return { manifest: result.manifest, file: result.file, dir: result.dir };
}

export async function readManifest(run: RunState): Promise<void> {
  run.emit({ type: 'phase', phase: 'manifest' });
  const { CHECKS } = await import('./catalogue.js');
  const hostRules = run.profile === 'guide' ? CHECKS.filter((check) => check.hostRule).map((check) => check.id) : [];
  run.loaded = await loadManifestForTest(run.options.dir ?? '.', run.cwd, run.strict, hostRules);
}

export async function resolveRunConfig(run: RunState): Promise<void> {
  run.emit({ type: 'phase', phase: 'config' });
  const { resolveConfig } = await import('../runtime/config.js');
  run.config = await resolveConfig(loadedOf(run).manifest, {
    ...(run.options.configFile ? { configFile: resolve(run.cwd, run.options.configFile) } : {}),
    env: run.env,
    generate: true,
  });
  // Generated values whose pattern could not be checked in time (a backtracking pattern).
  run.notes.push(...(run.config.notes ?? []));
}

/** Starts the mock upstream and points the plugin's config at it. */
export async function startUpstream(run: RunState): Promise<void> {
  // --no-mock-upstream: the user points the plugin at an upstream of their own through its
  // config; the checks that script the mock are skipped.
  if (run.options.mockUpstream === false) return;
  run.emit({ type: 'phase', phase: 'mock' });
  const { startMockUpstream } = await import('../runtime/mock-upstream.js');
  const { manifest } = loadedOf(run);
  const config = configOf(run);
  const apiKey = config.values.api_key;
  // The mock checks the Bearer key only when the plugin has an `api_key` field to send it
  // (contract: a plugin without credentials must not meet 401s on every chat).
  run.mock = await startMockUpstream({
    ...(typeof apiKey === 'string' && apiKey !== '' ? { apiKey } : {}),
    requireAuth: hasConfigField(manifest, 'api_key'),
    ...(run.options.upstreamDialect ? { dialect: run.options.upstreamDialect } : {}),
  });
  // The plugin talks to the mock, never to a real provider, whatever the config says.
  if (hasConfigField(manifest, run.upstreamField)) {
    config.values[run.upstreamField] = run.mock.url;
    config.sources[run.upstreamField] = 'override';
  }
  if (hasConfigField(manifest, 'api_key')) {
    config.values.api_key = run.mock.apiKey;
    config.sources.api_key = 'override';
    if (!config.secrets.includes(run.mock.apiKey)) config.secrets.push(run.mock.apiKey);
  }
  throwIfAborted(run.signal);
}

function describeExit(info: ExitInfo): string {
  return info.signal ? `the plugin exited (signal ${info.signal})` : `the plugin exited (code ${info.code ?? 'unknown'})`;
}

/** Builds the plugin first (Go, or the manifest's `build`): the checks test the source on disk. */
export async function buildPlugin(run: RunState): Promise<void> {
  const { manifest, dir } = loadedOf(run);
  const { buildBeforeStart } = await import('../build/index.js');
  const built = await buildBeforeStart(manifest, dir, {
    skip: run.options.build === false,
    env: run.env,
    ...(run.signal ? { signal: run.signal } : {}),
    onBuild: (line) => run.emit({ type: 'phase', phase: 'build', detail: line }),
  });
  if (built.build) run.timings.buildMs = built.build.durationMs;
  if (built.stale) run.notes.push(built.stale);
}

/** Starts the plugin from its manifest, with the config in LOOM_CONFIG_* env vars. */
export async function startPluginProcess(run: RunState): Promise<void> {
  const { manifest, dir } = loadedOf(run);
  run.emit({ type: 'phase', phase: 'start', detail: manifest.command ?? '' });
  const [runtime, { configToEnv }] = await Promise.all([import('../runtime/plugin-process.js'), import('../runtime/config.js')]);
  const port = await runtime.findFreePort('127.0.0.1');
  const startAt = performance.now();
  run.plugin = await runtime.startPlugin({
    manifest,
    manifestDir: dir,
    port,
    // The shipped host initializes with `{}`: the plugin gets its config from env too.
    env: configToEnv(configOf(run).values),
    startupTimeoutMs: run.options.startupTimeoutMs ?? 30_000,
    ...(run.signal ? { signal: run.signal } : {}),
    onLog: (line) => {
      for (const id of new Set([run.currentCheck, run.backgroundCheck])) {
        if (!id) continue;
        const lines = run.logsByCheck.get(id) ?? [];
        lines.push(`[${line.stream}] ${line.text}`);
        if (lines.length > CHECK_LOG_LINES) lines.shift();
        run.logsByCheck.set(id, lines);
      }
    },
    onExit: (info) => {
      // Stopped by us (the run's end, or Ctrl+C while waiting for /health): not a crash.
      if (run.stopping || run.signal?.aborted) return;
      const culprit = run.trail.culprit();
      run.pluginExit = {
        ...(culprit ? { onRequest: culprit.request, whilePreparing: culprit.preparing } : {}),
        code: info.code,
        signal: info.signal,
        // The check that sent the request it died on; else a provoked fault in the
        // background is the likelier cause than what runs beside it.
        ...(culprit?.check || run.backgroundCheck || run.currentCheck ? { duringCheck: culprit?.check ?? run.backgroundCheck ?? run.currentCheck } : {}),
        message: describeExit(info),
      };
      run.emit({ type: 'plugin-exit', code: info.code, signal: info.signal });
    },
  });
  run.timings.startupMs = Math.round(performance.now() - startAt);
  run.baseUrl = run.plugin.baseUrl;
  run.emit({
    type: 'plan',
    checks: run.checks,
    endpoint: run.baseUrl,
    mode: 'started',
    profile: run.profile,
    name: manifest.metadata.name,
    command: [manifest.command ?? '', ...(manifest.args ?? [])].join(' '),
  });
  await openClient(run);
}

/** --endpoint: a plugin someone else started; nothing is started or stopped. */
export async function attachToPlugin(run: RunState, endpoint: string): Promise<void> {
  run.baseUrl = endpoint.replace(/\/+$/, '');
  run.emit({ type: 'plan', checks: run.checks, endpoint: run.baseUrl, mode: 'attached', name: loadedOf(run).manifest.metadata.name, profile: run.profile });
  const client = await openClient(run);
  await assertReachable(client, run.baseUrl);
}

async function openClient(run: RunState): Promise<PluginClient> {
  const { PluginClient: Client } = await import('../runtime/http-client.js');
  // The shipped host joins endpoint + path as strings: a trailing / gives //initialize.
  const joinsSlash = run.profile === 'loom-host' && (loadedOf(run).manifest.endpoint ?? '').endsWith('/');
  run.client = new Client(run.baseUrl ?? '', { timeoutMs: run.timeoutMs, ...(joinsSlash ? { pathPrefix: '/' } : {}) });
  return run.client;
}

/** Fail early and clearly when nothing listens at --endpoint. */
async function assertReachable(client: PluginClient, baseUrl: string): Promise<void> {
  const exchange = await client.request('GET', '/health');
  if (exchange.error && (exchange.error.kind === 'connect' || exchange.error.kind === 'reset')) {
    throw new LoomPluginError('E_PLUGIN_UNREACHABLE', `Nothing answers at ${baseUrl} (${exchange.error.message}).`, {
      hint: 'Start the plugin first, or drop --endpoint to let loom-plugin start it from its manifest.',
    });
  }
}
