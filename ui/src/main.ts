/** The playground's entry: token, first loads, live events, and each panel's wiring. */
import { apiJson, forgetToken, hasToken, setToken, whenUnauthorized } from './api.js';
import { renderModels, setUpChat } from './chat.js';
import { setUpConformance } from './conformance.js';
import { $, $input } from './dom.js';
import { renderEndpoints } from './endpoints.js';
import { connectEvents } from './events.js';
import { addRequest, renderRequests } from './inspector.js';
import { addLog, renderLogs } from './logs.js';
import { refreshPlugins, whenPluginsChange } from './plugins.js';
import { state } from './state.js';
import type { DevEvent, RequestEntry } from './types.js';

function showTokenPanel(): void {
  forgetToken();
  $('token-panel').classList.remove('hidden');
  $('app').classList.add('hidden');
}

function handleEvent(event: DevEvent): void {
  if (event.type === 'log') addLog(event.key, { stream: event.stream, text: event.text });
  // Notices (a stale binary, a file the plugin writes itself) read best beside its output.
  else if (event.type === 'notice') addLog(event.key, { stream: 'notice', text: `[loom-plugin] ${event.message}` });
  else if (event.type === 'request') addRequest(event.entry);
  else refreshPlugins();
}

function start(): void {
  if (!hasToken()) {
    showTokenPanel();
    return;
  }
  apiJson<{ url: string; mockUpstream?: unknown }>('/api/info')
    .then((info) => {
      $('host-url').textContent = info.url;
      if (info.mockUpstream) $('mock-badge').classList.remove('hidden');
    })
    .catch(() => undefined);
  apiJson<{ requests: RequestEntry[] }>('/api/requests')
    .then((data) => {
      state.requests = data.requests;
      renderRequests();
    })
    .catch(() => undefined);
  refreshPlugins();
  connectEvents({ onEvent: handleEvent, onConnected: refreshPlugins, shouldRetry: hasToken });
}

whenUnauthorized(showTokenPanel);
whenPluginsChange(() => {
  renderModels();
  renderEndpoints();
});
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $input('token-input').value.trim();
  if (!value) return;
  setToken(value);
  $('token-panel').classList.add('hidden');
  $('app').classList.remove('hidden');
  start();
});
$('logs-follow').addEventListener('change', renderLogs);
setUpChat();
setUpConformance();
renderRequests();
start();
