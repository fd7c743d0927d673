/**
 * POST /initialize gets the host's 30 s unless --timeout was given, while every other call
 * gets --timeout: what to say when it took long, in the terms of whose limit applied.
 */
import { HOST_CALL_TIMEOUT_MS } from '../../protocol.js';
import type { Exchange } from '../../runtime/http-client.js';

/**
 * What to say about an /initialize that took long: a timeout names who cut it (this run's
 * --timeout, or the host's own limit); an answer slower than the other calls' limit but
 * within the host's is a note, not a failure. Also adds the cause to a timeout's message.
 */
export function slowStart(exchange: Exchange, timeoutMs: number, initializeTimeoutMs: number): string | undefined {
  const hostSeconds = HOST_CALL_TIMEOUT_MS / 1000;
  if (exchange.error?.kind === 'timeout') {
    exchange.error.message +=
      initializeTimeoutMs < HOST_CALL_TIMEOUT_MS
        ? `; this run's --timeout cut it: the Loom host waits ${hostSeconds} s for /initialize, run with --timeout ${hostSeconds}s to judge as it does`
        : `; the Loom host gives up after ${hostSeconds} s, so it cannot load the plugin`;
    return undefined;
  }
  if (exchange.status !== 200 || exchange.durationMs <= timeoutMs) return undefined;
  const took = (exchange.durationMs / 1000).toFixed(1);
  return `POST /initialize took ${took} s, longer than the ${timeoutMs / 1000} s the other calls get (--timeout). The Loom host waits up to ${hostSeconds} s, so it loads the plugin, but every load and reload waits that long.`;
}
