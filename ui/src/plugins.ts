/** The plugin list (sidebar) and the selected plugin's card: state, facts, health, failures. */
import { api, apiJson } from './api.js';
import { $, clear, el, plural } from './dom.js';
import { renderLogs } from './logs.js';
import { selectedPlugin, state } from './state.js';
import type { LogLine, PluginView } from './types.js';

const CAPABILITIES = ['streaming', 'function_calling', 'vision', 'embeddings', 'fine_tuning'];

/** Called after each refresh, so other panels can follow the selection and the models. */
let onChange: () => void = () => undefined;
export function whenPluginsChange(handler: () => void): void {
  onChange = handler;
}

let refreshTimer: number | undefined;
export function refreshPlugins(): void {
  clearTimeout(refreshTimer);
  refreshTimer = window.setTimeout(() => {
    apiJson<{ plugins: PluginView[] }>('/api/plugins')
      .then((data) => {
        state.plugins = data.plugins;
        renderPlugins();
      })
      .catch(() => undefined);
  }, 120);
}

export function renderPlugins(): void {
  const first = state.plugins[0];
  if (!selectedPlugin() && first) selectPlugin(first.key, true);
  const list = clear($('plugin-list'));
  if (!state.plugins.length) list.appendChild(el('div', { class: 'empty', text: 'No plugins.' }));
  for (const plugin of state.plugins) {
    list.appendChild(
      el('button', { class: `plugin-item${plugin.key === state.selected ? ' selected' : ''}`, type: 'button', 'data-key': plugin.key, onclick: () => selectPlugin(plugin.key) }, [
        el('div', { class: 'name' }, [el('span', { text: plugin.name ?? plugin.key }), el('span', { class: `pill ${plugin.state}`, text: plugin.state })]),
        el('div', { class: 'sub', text: (plugin.providerType ?? plugin.manifestFile) + (plugin.pid ? `  pid ${plugin.pid}` : '') }),
      ]),
    );
  }
  renderDetail();
  onChange();
}

function selectPlugin(key: string, quiet = false): void {
  state.selected = key;
  if (!state.logs[key]) {
    state.logs[key] = [];
    apiJson<{ lines: LogLine[] }>(`/api/plugins/${encodeURIComponent(key)}/logs`)
      .then((data) => {
        state.logs[key] = data.lines.map((line) => ({ stream: line.stream, text: line.text })).concat(state.logs[key] ?? []);
        renderLogs();
      })
      .catch(() => undefined);
  }
  if (!quiet) renderPlugins();
  renderLogs();
}

function fact(label: string, value: unknown): HTMLElement | null {
  return value === undefined || value === null || value === '' ? null : el('span', {}, [`${label} `, el('b', { text: String(value) })]);
}

function every(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function renderDetail(): void {
  const box = clear($('plugin-detail'));
  const plugin = selectedPlugin();
  if (!plugin) {
    box.appendChild(el('div', { class: 'empty', text: 'No plugin selected.' }));
    return;
  }
  const metadata = plugin.metadata ?? {};
  const reload = el('button', { type: 'button', id: 'reload-button' }, ['Reload']);
  reload.addEventListener('click', () => {
    reload.disabled = true;
    reload.textContent = 'Reloading…';
    api(`/api/plugins/${encodeURIComponent(plugin.key)}/reload`, { method: 'POST' })
      .catch(() => undefined)
      .finally(() => {
        reload.disabled = false;
        reload.textContent = 'Reload';
        refreshPlugins();
      });
  });
  box.appendChild(
    el('div', { class: 'detail-head' }, [
      el('div', { class: 'titles' }, [
        el('h1', {}, [el('span', { text: plugin.name ?? plugin.key }), el('span', { class: `pill ${plugin.state}`, text: plugin.state })]),
        el('div', { class: 'muted', text: typeof metadata.description === 'string' ? metadata.description : '' }),
      ]),
      plugin.state === 'refused' ? null : reload,
    ]),
  );
  box.appendChild(
    el('div', { class: 'facts' }, [
      fact('provider_type', plugin.providerType),
      fact('version', metadata.version),
      fact('api', metadata.plugin_api_version),
      fact('pid', plugin.pid),
      fact('port', plugin.port),
      fact('generation', plugin.generation),
      fact('restarts', plugin.restarts),
      fact('manifest', plugin.manifestFile),
      fact('models', plugin.models.length),
    ]),
  );
  box.appendChild(
    el(
      'div',
      { class: 'chips' },
      CAPABILITIES.map((name) => el('span', { class: `chip${plugin.capabilities[name] ? ' on' : ''}`, text: (plugin.capabilities[name] ? '✓ ' : '') + name })),
    ),
  );
  const interval = every(plugin.healthCheckIntervalMs);
  const timeline = el('div', { class: 'timeline', title: `health, every ${interval}` });
  for (const sample of plugin.health.slice(-80)) {
    const when = new Date(sample.time).toLocaleTimeString();
    timeline.appendChild(el('span', { class: sample.healthy ? '' : 'bad', title: `${when} ${sample.healthy ? 'healthy' : 'unhealthy'} ${sample.message ?? ''} (${sample.latencyMs} ms)` }));
  }
  box.appendChild(el('div', { class: 'small muted', id: 'health-caption', text: `Health (${plural(plugin.health.length, 'check')}, every ${interval})` }));
  box.appendChild(timeline);
  if (plugin.stateMessage) box.appendChild(el('div', { class: 'state-message', text: plugin.stateMessage }));
  const attempt = plugin.lastAttempt;
  if (attempt && !attempt.ok) {
    box.appendChild(
      el('div', { class: 'attempt-fail' }, [
        el('div', { text: `Last ${attempt.reason} failed at ${attempt.step ?? '?'}: ${attempt.error ?? ''}` }),
        attempt.buildOutput ? el('pre', { class: 'build-output', text: attempt.buildOutput }) : null,
        attempt.hint ? el('div', { class: 'small muted', text: `Hint: ${attempt.hint}` }) : null,
        attempt.stderrTail ? el('pre', { text: attempt.stderrTail }) : null,
      ]),
    );
  }
  if (plugin.diagnostics.length) {
    const list = el('ul', { class: 'diag' });
    for (const d of plugin.diagnostics) {
      list.appendChild(el('li', {}, [el('span', { class: `sev-${d.severity}`, text: d.severity }), ` ${d.line}:${d.column} ${d.message} `, el('span', { class: 'muted', text: d.rule })]));
    }
    box.appendChild(list);
  }
  if (plugin.missingConfig.length) box.appendChild(el('div', { class: 'state-message', text: `Waiting for config: ${plugin.missingConfig.join(', ')}` }));
}
