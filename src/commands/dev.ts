/**
 * `loom-plugin dev`: runs the dev host until q, Ctrl+C or SIGTERM. Wires options to
 * startDevHost, renders its events, handles keys and opens the browser.
 */
import type { DevOptions } from './options.js';
import type { CliIo } from '../output/io.js';
import { canPrompt } from '../output/io.js';
import { InterruptedError } from '../core/errors.js';
import { startDevHost } from '../core/dev/dev-host.js';
import { isLoopbackAddress } from '../core/dev/security.js';
import type { StampedEvent } from '../core/dev/types.js';
import { createDevReporter, printBanner, printExposureWarning } from '../output/dev-reporter.js';
import { browserNotOpened, listenForKeys, openBrowser, shouldOpenBrowser } from '../output/dev-terminal.js';
import { createConfigAsker } from '../output/dev-config-prompt.js';

export async function run(options: DevOptions, io: CliIo): Promise<number> {
  if (!isLoopbackAddress(options.host)) printExposureWarning(io, options.host);
  const interactive = canPrompt(io);
  // Events that happen before the banner is printed wait for it, so the URL comes first.
  const report = createDevReporter(io);
  let early: StampedEvent[] | undefined = [];
  const onEvent = (event: StampedEvent): void => {
    if (early) early.push(event);
    else report(event);
  };
  const host = await startDevHost({
    path: options.path,
    cwd: io.cwd,
    env: io.env,
    port: options.port,
    host: options.host,
    allowedHosts: options.allowedHosts,
    token: options.token,
    configFile: options.config,
    mockUpstream: options.mockUpstream,
    upstreamField: options.upstreamField,
    watch: options.watch,
    build: options.build,
    signal: io.signal,
    onEvent,
    askConfig: interactive ? createConfigAsker(io) : undefined,
  });

  printBanner(io, {
    pageUrl: host.pageUrl,
    networkPageUrls: host.networkUrls.map((url) => `${url}/#token=${host.token}`),
    url: host.url,
    mockUpstream: options.mockUpstream,
    watching: options.watch,
    interactive,
    skipped: host.skipped,
    notSearched: host.notSearched,
  });
  for (const event of early) report(event);
  early = undefined;
  if (shouldOpenBrowser(io, options.open)) openBrowser(host.pageUrl, process.platform, browserNotOpened(io, host.pageUrl));

  let restoreKeys = (): void => undefined;
  let interrupted = false;
  const stopped = new Promise<void>((resolve) => {
    if (io.signal.aborted) {
      interrupted = true;
      resolve();
    }
    io.signal.addEventListener('abort', () => {
      interrupted = true;
      resolve();
    }, { once: true });
    // Keys only after the first loads: config prompts need the terminal until then.
    void host.ready.then(() => {
      if (!interactive) return;
      restoreKeys = listenForKeys(io, {
        reload: () => {
          for (const plugin of host.state()) if (plugin.state !== 'refused') void host.reload(plugin.key, 'key');
        },
        open: () => void openBrowser(host.pageUrl, process.platform, browserNotOpened(io, host.pageUrl)),
        quit: () => resolve(),
        interrupt: () => {
          interrupted = true;
          resolve();
        },
      });
    });
  });
  await stopped;
  restoreKeys();
  io.stdout.write('\nStopping plugins…\n');
  await host.close();
  if (interrupted) throw new InterruptedError();
  return 0;
}
