/** The live event stream (/api/events), read through fetch so the token stays in a header. */
import { api, readPieces } from './api.js';
import { $ } from './dom.js';
import type { DevEvent } from './types.js';

export function connectEvents(handlers: { onEvent: (event: DevEvent) => void; onConnected: () => void; shouldRetry: () => boolean }): void {
  const setConnected = (ok: boolean): void => {
    $('conn-dot').className = `dot ${ok ? 'ok' : 'bad'}`;
    $('conn-text').textContent = ok ? 'live' : 'reconnecting';
  };
  // Log lines of the backlog are fetched per plugin instead; skip them for a moment.
  let skipBacklogLogs = true;
  api('/api/events')
    .then((response) => {
      if (response.status !== 200) throw new Error(`events ${response.status}`);
      setConnected(true);
      handlers.onConnected();
      setTimeout(() => (skipBacklogLogs = false), 300);
      return readPieces(response, '\n\n', (part) => {
        if (!part.startsWith('data: ')) return;
        let event: DevEvent;
        try {
          event = JSON.parse(part.slice(6)) as DevEvent;
        } catch {
          return;
        }
        if (event.type === 'log' && skipBacklogLogs) return;
        handlers.onEvent(event);
      });
    })
    .then(() => {
      throw new Error('closed');
    })
    .catch(() => {
      setConnected(false);
      if (handlers.shouldRetry()) setTimeout(() => connectEvents(handlers), 1500);
    });
}
