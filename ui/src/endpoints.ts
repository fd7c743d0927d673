/**
 * Hand calls: a tab for each of the six endpoints the host calls, sent to the serving
 * instance through POST /api/plugins/:key/call, with the status, timing and body of the
 * answer. /initialize and /cleanup change the serving plugin (the chat uses it too) until
 * the next reload, and the panel says so.
 */
import { apiJson } from './api.js';
import { readConfigForm, renderConfigForm } from './config-form.js';
import { $, clear, el, millis, pretty } from './dom.js';
import { selectedPlugin } from './state.js';
import type { HandCallResult, PluginView } from './types.js';

const ENDPOINTS = [
  { name: 'health', label: 'GET /health' },
  { name: 'metadata', label: 'GET /metadata' },
  { name: 'models', label: 'GET /models' },
  { name: 'initialize', label: 'POST /initialize' },
  { name: 'cleanup', label: 'POST /cleanup' },
  { name: 'chat', label: 'POST /chat/completions' },
] as const;

type EndpointName = (typeof ENDPOINTS)[number]['name'];

const NOTES: Record<EndpointName, string> = {
  health: 'What the host polls to decide healthy or unhealthy.',
  metadata: 'Read once at load; provider_type must match the manifest.',
  models: 'Read at load to route /v1 by model.',
  initialize: 'Sent to the serving plugin: it will use these values (the chat too) until the next reload.',
  cleanup: 'Sent to the serving plugin: after it, the plugin may refuse chats until it is initialized again or reloaded.',
  chat: 'Sent straight to the plugin, without the OpenAI translation of /v1: this is the Loom wire format.',
};

let current: EndpointName = 'health';
let renderedFor = '';

function chatExample(plugin: PluginView): string {
  const model = plugin.models[0]?.id ?? 'model-id';
  return JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] }, null, 2);
}

function showResult(result: HandCallResult): void {
  const box = clear($('call-result'));
  const outcome = result.status === undefined ? 'no answer' : String(result.status);
  box.appendChild(
    el('div', { class: 'call-status' }, [
      el('span', { class: result.status === 200 ? 'st-ok' : 'st-bad', id: 'call-status', text: outcome }),
      el('span', { class: 'mono', text: ` ${result.method} ${result.path}` }),
      el('span', { class: 'muted', id: 'call-time', text: ` in ${millis(result.durationMs)}` }),
    ]),
  );
  if (result.error) box.appendChild(el('div', { class: 'state-message', text: result.error }));
  if (result.requestBody !== undefined) {
    box.appendChild(el('h4', { text: 'Sent' }));
    box.appendChild(el('pre', { id: 'call-sent', text: pretty(result.requestBody) }));
  }
  box.appendChild(el('h4', { text: 'Answer' }));
  box.appendChild(el('pre', { id: 'call-body', text: pretty(result.body) }));
}

async function send(plugin: PluginView, body: unknown, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const result = await apiJson<HandCallResult & { error?: string }>(`/api/plugins/${encodeURIComponent(plugin.key)}/call`, {
      method: 'POST',
      body: JSON.stringify({ endpoint: current, body }),
    });
    showResult(result);
  } catch (error) {
    clear($('call-result')).appendChild(el('div', { class: 'state-message', text: (error as Error).message }));
  } finally {
    button.disabled = false;
  }
}

function renderPanel(plugin: PluginView): void {
  const panel = clear($('call-panel'));
  const endpoint = ENDPOINTS.find((e) => e.name === current)!;
  panel.appendChild(el('div', { class: 'muted small call-note', text: NOTES[current] }));
  let body: () => unknown = () => undefined;
  if (current === 'initialize') {
    const form = renderConfigForm(plugin);
    panel.appendChild(form);
    body = () => readConfigForm(form, plugin.configSchema);
  } else if (current === 'chat') {
    const text = el('textarea', { id: 'call-chat-body', rows: 6, spellcheck: 'false' });
    text.value = chatExample(plugin);
    panel.appendChild(text);
    body = () => JSON.parse(text.value) as unknown;
  }
  const button = el('button', { type: 'button', id: 'call-send', text: `Send ${endpoint.label}` });
  button.addEventListener('click', () => {
    let payload: unknown;
    try {
      payload = body();
    } catch {
      clear($('call-result')).appendChild(el('div', { class: 'state-message', text: 'The body is not valid JSON.' }));
      return;
    }
    void send(plugin, payload, button);
  });
  panel.appendChild(button);
}

function renderTabs(plugin: PluginView): void {
  const tabs = clear($('call-tabs'));
  for (const endpoint of ENDPOINTS) {
    const select = (): void => {
      current = endpoint.name;
      clear($('call-result'));
      renderTabs(plugin);
      renderPanel(plugin);
    };
    tabs.appendChild(el('button', { type: 'button', class: `tab${endpoint.name === current ? ' on' : ''}`, 'data-endpoint': endpoint.name, onclick: select, text: endpoint.label }));
  }
}

/** Re-rendered only when the plugin or its schema changes, so typing is never lost. */
export function renderEndpoints(): void {
  const plugin = selectedPlugin();
  const signature = plugin ? `${plugin.key}|${JSON.stringify(plugin.configSchema)}|${plugin.models.map((m) => m.id).join(',')}` : '';
  if (signature === renderedFor) return;
  renderedFor = signature;
  clear($('call-result'));
  if (!plugin) {
    clear($('call-tabs'));
    clear($('call-panel'));
    return;
  }
  renderTabs(plugin);
  renderPanel(plugin);
}
