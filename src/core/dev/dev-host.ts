/**
 * startDevHost: a local Loom host. Discovers and validates plugins, starts and loads
 * each one, serves the OpenAI-compatible door, the management API and the playground,
 * and reloads plugins when their files change. Never prints: everything it has to say
 * goes out as events (the CLI renders them, the page shows them).
 */
import type { ServerResponse } from 'node:http';
import { access } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { LoomPluginError, throwIfAborted } from '../errors.js';
import { startMockUpstream, type MockUpstream } from '../runtime/mock-upstream.js';
import { discoverPlugins } from './discover-plugins.js';
import { createDevServer, listen } from './dev-server.js';
import { EventBus } from './event-bus.js';
import { SecretMasker } from '../runtime/mask-secrets.js';
import { handleManagement } from './management-api.js';
import { chatCompletions, listModels, type Router } from './openai-facade.js';
import { PluginSlot, type SlotContext } from './plugin-slot.js';
import { loadAnswerShapes } from './answer-shape.js';
import { RequestLog } from './request-log.js';
import { allowedHostProblem, hostRules, newToken, tokenProblem, type HostRules } from './security.js';
import { hostUrls } from './host-urls.js';
import { SerialQueue } from './serial-queue.js';
import type { AttemptInfo, DevHost, DevHostOptions } from './types.js';
import { YamlFollower } from './follow-yaml.js';
import { watchPlugin, type PluginWatcher } from './watch-plugin.js';
import { watchConfigFile } from './watch-config-file.js';
import { openAiError } from './http-util.js';

export const DEFAULT_DEV_PORT = 4477;
/** Quiet time after the last file event before a reload: one save burst = one reload. */
export const DEFAULT_DEBOUNCE_MS = 150;

/** Wraps an async function so calls run one after another, never interleaved. */
function oneAtATime<A, R>(run: (arg: A) => Promise<R>): (arg: A) => Promise<R> {
  let tail: Promise<unknown> = Promise.resolve();
  return (arg) => {
    const result = tail.then(() => run(arg));
    tail = result.catch(() => undefined);
    return result;
  };
}

/** The --allowed-host names, lower-cased; a usage error for one that cannot work. */
function checkAllowedHosts(names: string[]): string[] {
  for (const name of names) {
    const problem = allowedHostProblem(name);
    if (problem) {
      throw new LoomPluginError('E_USAGE', `The name '${name}' given with --allowed-host ${problem}.`, {
        hint: 'Pass a host name such as myhost.lan, or .example.com for a domain you control and its subdomains.',
      });
    }
  }
  return names.map((name) => name.toLowerCase());
}

export async function startDevHost(options: DevHostOptions): Promise<DevHost> {
  throwIfAborted(options.signal);
  const tokenIssue = options.token === undefined ? undefined : tokenProblem(options.token);
  if (tokenIssue) {
    throw new LoomPluginError('E_USAGE', `The token given with --token ${tokenIssue}; no client could call the dev host with it.`, {
      hint: 'Leave out --token for a new random one per launch, or pass at least 8 letters, digits, ".", "_", "~" or "-".',
    });
  }
  const bindHost = options.host ?? '127.0.0.1';
  const allowedNames = checkAllowedHosts(options.allowedHosts ?? []);
  const discovery = await discoverPlugins(options.path, options.cwd);
  if (options.configFile) {
    // A typo in --config is a usage error now, not a plugin stuck later.
    const file = resolve(options.cwd, options.configFile);
    await access(file).catch(() => {
      throw new LoomPluginError('E_CONFIG', `The config file ${options.configFile} cannot be read.`, { hint: 'Check the --config path.' });
    });
  }

  const secrets = new SecretMasker();
  const bus = new EventBus(secrets);
  // The wire schemas the suite checks, ready before the first /v1 answer is logged.
  const requestLog = new RequestLog(secrets, 200, await loadAnswerShapes());
  const token = options.token ?? newToken();
  secrets.add(token);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const cleanups: Array<() => Promise<void>> = [];
  let mock: MockUpstream | undefined;
  const slots: PluginSlot[] = [];
  const queue = new SerialQueue<AttemptInfo | undefined>();
  const streams = new Set<ServerResponse>();
  const conformanceRuns = new Map<string, Promise<void>>();
  let modelIndex = new Map<string, PluginSlot>();
  let closing: Promise<void> | undefined;
  let hostUrl = '';
  let networkUrls: string[] = [];
  let rules: HostRules = hostRules(0, []);
  // Subscribed before anything happens, so the first state changes are not missed.
  if (options.onEvent) bus.subscribe(options.onEvent);

  const router: Router = {
    serving: () => slots.filter((slot) => slot.active !== undefined),
    modelOwner: (model) => modelIndex.get(model),
  };
  const rebuildIndex = (): void => {
    const next = new Map<string, PluginSlot>();
    for (const slot of slots) for (const model of slot.active?.models ?? []) if (!next.has(model.id)) next.set(model.id, slot);
    modelIndex = next;
  };
  const find = (key: string): PluginSlot | undefined =>
    slots.find((slot) => slot.key === key) ?? slots.find((slot) => slot.providerType === key);
  const reload = (key: string, reason = 'api'): Promise<AttemptInfo | undefined> => {
    const slot = find(key);
    if (!slot || slot.state === 'refused' || closing) return Promise.resolve(undefined);
    return queue.run(slot.key, () => slot.attempt(reason, true));
  };

  try {
    if (options.mockUpstream) {
      // A fresh key per launch, so masking it is meaningful.
      mock = await startMockUpstream({ apiKey: `mock-${newToken()}` });
      secrets.add(mock.apiKey);
      const upstream = mock;
      cleanups.push(() => upstream.close());
    }

    const server = createDevServer({
      token,
      hostRules: () => rules,
      mask: (text) => secrets.mask(text),
      v1: (req, res, path) => {
        if (path === '/v1/models' && req.method === 'GET') return listModels(res, router);
        if (path === '/v1/chat/completions' && req.method === 'POST') {
          return chatCompletions(req, res, router, (entry) => {
            const stored = requestLog.add(entry, hostUrl);
            if (bus.hasListeners) bus.emit({ type: 'request', entry: requestLog.event(stored) });
          }, (text) => secrets.mask(text));
        }
        return openAiError(res, 404, `No route ${req.method} ${path} (this host serves GET /v1/models and POST /v1/chat/completions).`, 'not_found');
      },
      api: (req, res, path) =>
        handleManagement(req, res, path, {
          slots: () => slots,
          find,
          reload,
          requests: requestLog,
          bus,
          secrets,
          streams,
          conformance: {
            cwd: options.cwd,
            env: options.env,
            configFile: discovery.multi ? undefined : options.configFile,
            upstreamField: options.upstreamField,
            signal: controller.signal,
            running: conformanceRuns,
          },
          info: () => ({
            url: hostUrl,
            path: relative(options.cwd, discovery.plugins[0]?.result.dir ?? options.cwd) || '.',
            multi: discovery.multi,
            skipped: discovery.skipped,
            notSearched: discovery.notSearched,
            mockUpstream: mock ? { url: mock.url, models: mock.models } : undefined,
            watch: options.watch !== false,
          }),
        }),
    });
    const port = await listen(server, options.port ?? DEFAULT_DEV_PORT, bindHost);
    // The address actually bound (e.g. `localhost` may resolve to ::1).
    const bound = server.address();
    const urls = hostUrls(typeof bound === 'object' && bound ? bound.address : bindHost, port);
    hostUrl = urls.local;
    networkUrls = urls.network;
    rules = hostRules(port, [urls.local, ...urls.network].map((url) => new URL(url).hostname), allowedNames);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const stream of streams) stream.end();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );

    const ctx: SlotContext = {
      cwd: options.cwd,
      env: options.env,
      configFile: options.configFile,
      sectioned: discovery.multi,
      upstream: mock ? { url: mock.url, apiKey: mock.apiKey } : undefined,
      upstreamField: options.upstreamField ?? 'endpoint',
      startupTimeoutMs: options.startupTimeoutMs ?? 30_000,
      healthIntervalMs: options.healthIntervalMs,
      restartBaseMs: options.restartBaseMs ?? 500,
      restartMaxMs: options.restartMaxMs ?? 30_000,
      drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
      signal: controller.signal,
      bus,
      secrets,
      // Plugins start independently, but a terminal asks one question at a time.
      askConfig: options.askConfig && oneAtATime(options.askConfig),
      onServingChanged: rebuildIndex,
      schedule: (slot, reason, revalidate) => void queue.run(slot.key, () => slot.attempt(reason, revalidate)),
      build: options.build !== false,
      providerTaken: (providerType, self) => slots.some((slot) => slot !== self && slot.providerType === providerType && slot.state !== 'refused'),
    };

    for (const plugin of discovery.plugins) {
      const { result } = plugin;
      const slot = new PluginSlot(plugin.key, result.file, result.dir, result.manifest, result.diagnostics, ctx);
      slots.push(slot);
      if (plugin.refusedBy) {
        slot.setState('refused', `provider_type '${result.manifest?.metadata.provider_type}' is already used by ${plugin.refusedBy}; Loom refuses a second plugin with the same provider_type.`);
      } else if (!result.manifest) {
        bus.emit({ type: 'diagnostics', key: slot.key, diagnostics: result.diagnostics });
        slot.setState('invalid', 'The manifest has errors; fix them and save to start it.');
      } else if (result.diagnostics.length > 0) {
        bus.emit({ type: 'diagnostics', key: slot.key, diagnostics: result.diagnostics });
      }
    }

    const firstAttempts = slots
      .filter((slot) => slot.manifest && slot.state !== 'refused')
      .map((slot) => queue.run(slot.key, () => slot.attempt('start', false)));
    const ready = Promise.all(firstAttempts).then(() => undefined);

    if (options.watch !== false) {
      const configPath = options.configFile ? resolve(options.cwd, options.configFile) : undefined;
      for (const slot of slots) {
        if (slot.state === 'refused') continue;
        // plugin.json written here because plugin.yaml was saved: not a change of its own.
        const ownWrites = new Set<string>();
        const follower = new YamlFollower(slot.dir, options.cwd);
        await follower.remember();
        const watcher: PluginWatcher = await watchPlugin({
          files: slot.files,
          filter: slot.changes,
          debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
          onChange: ({ files }) => {
            // The config file inside a plugin folder reloads once, through its own watcher.
            const changed = files.filter((file) => !ownWrites.delete(file) && file !== configPath);
            if (changed.length === 0) return;
            void follower.follow(changed, controller.signal).then(({ written, notice }) => {
              for (const file of written) ownWrites.add(file);
              if (notice) bus.emit({ type: 'notice', key: slot.key, ...notice });
              return reload(slot.key, 'file change');
            });
          },
        });
        cleanups.push(() => watcher.close());
      }
      if (configPath) {
        const watcher = await watchConfigFile(configPath, options.debounceMs ?? DEFAULT_DEBOUNCE_MS, () => {
          for (const slot of slots) if (slot.manifest) void reload(slot.key, 'config change');
        });
        cleanups.push(() => watcher.close());
      }
    }

    const close = (): Promise<void> => {
      closing ??= (async () => {
        controller.abort();
        options.signal?.removeEventListener('abort', onAbort);
        await Promise.all([...slots.map((slot) => slot.close()), ...conformanceRuns.values()]);
        // Let an attempt that was mid-way notice and stop what it started (bounded: one
        // may be waiting on a config prompt).
        await Promise.race([queue.idle(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      })();
      return closing;
    };
    options.signal?.addEventListener('abort', () => void close(), { once: true });

    return {
      url: hostUrl,
      pageUrl: `${hostUrl}/#token=${token}`,
      networkUrls,
      token,
      port,
      skipped: discovery.skipped,
      notSearched: discovery.notSearched,
      reload: (key, reason) => reload(key, reason ?? 'api'),
      state: () => secrets.maskValue(slots.map((slot) => slot.view())),
      requests: () => requestLog.entries(),
      subscribe: (listener) => bus.subscribe(listener),
      ready,
      close,
    };
  } catch (error) {
    controller.abort();
    await Promise.all(slots.map((slot) => slot.close()));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error;
  }
}
