/**
 * GET /api/events: server-sent events with bounds on everything a client can make the
 * host hold. Without them, five clients that did not read, with a plugin logging 4 MB/s,
 * took the host from 273 MB to 1.7 GB in 40 s.
 *
 * - At most `maxStreams` streams at once; one more is answered 503 with a sentence.
 * - The replay of recent events on connect is capped in bytes (newest first kept).
 * - Each stream may have at most `maxQueuedBytes` written but not yet taken by the
 *   client. A client that falls that far behind is told (one last `overflow` event) and
 *   disconnected; its socket is destroyed if it does not take the rest within
 *   `closeGraceMs`. The playground reconnects by itself and reloads the state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from './event-bus.js';
import { sendJson } from './http-util.js';

export interface EventStreamLimits {
  maxStreams: number;
  maxQueuedBytes: number;
  replayBytes: number;
  closeGraceMs: number;
  heartbeatMs: number;
}

export const EVENT_STREAM_LIMITS: EventStreamLimits = {
  maxStreams: 16,
  maxQueuedBytes: 256 * 1024,
  replayBytes: 128 * 1024,
  closeGraceMs: 2000,
  heartbeatMs: 15_000,
};

/**
 * Every open stream receives the same event object from the bus: its frame is serialised
 * once, for the first stream (and a replay), and reused by the others.
 */
const frames = new WeakMap<object, string>();
const frame = (event: object): string => {
  let text = frames.get(event);
  if (text === undefined) {
    text = `data: ${JSON.stringify(event)}\n\n`;
    frames.set(event, text);
  }
  return text;
};

/** The newest events whose frames fit in `budget` bytes, oldest first. */
function replayFrames(events: readonly object[], budget: number): string[] {
  const frames: string[] = [];
  let bytes = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const text = frame(events[i]!);
    bytes += Buffer.byteLength(text);
    if (bytes > budget) break;
    frames.push(text);
  }
  return frames.reverse();
}

export function openEventStream(req: IncomingMessage, res: ServerResponse, bus: EventBus, streams: Set<ServerResponse>, limits: EventStreamLimits = EVENT_STREAM_LIMITS): void {
  if (streams.size >= limits.maxStreams) {
    res.setHeader('retry-after', '5');
    sendJson(res, 503, { error: `Too many event streams are open (${limits.maxStreams}); close a playground tab or another /api/events client, then retry.` });
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  let open = true;
  let unsubscribe = (): void => undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const end = (): void => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  };
  const overflow = (): void => {
    end();
    const notice = { type: 'overflow', message: `This client fell more than ${limits.maxQueuedBytes} bytes behind the event stream and was disconnected; reconnect and reload the state from /api/plugins.` };
    res.end(frame(notice));
    setTimeout(() => res.destroy(), limits.closeGraceMs).unref();
  };
  const write = (text: string): void => {
    if (!open) return;
    res.write(text);
    // writableLength: bytes handed to this response that the socket has not sent yet.
    if (res.writableLength > limits.maxQueuedBytes) overflow();
  };

  streams.add(res);
  req.on('close', end);
  res.on('close', end);
  write(`: connected\n\n${replayFrames(bus.recent(), limits.replayBytes).join('')}`);
  if (!open) return;
  const unsubscribeBus = bus.subscribe((event) => write(frame(event)));
  unsubscribe = () => void unsubscribeBus();
  heartbeat = setInterval(() => write(': ping\n\n'), limits.heartbeatMs);
  heartbeat.unref();
}
