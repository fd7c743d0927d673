/** The selected plugin's stdout/stderr, live. */
import { $, $input, clear, el } from './dom.js';
import { state } from './state.js';
import type { LogLine } from './types.js';

export function renderLogs(): void {
  const view = clear($('log-view'));
  const lines = state.selected ? (state.logs[state.selected] ?? []) : [];
  $('logs-title').textContent = state.selected ? `${state.selected} stdout / stderr` : '';
  for (const line of lines.slice(-400)) view.appendChild(el('span', { class: line.stream, text: `${line.text}\n` }));
  if ($input('logs-follow').checked) view.scrollTop = view.scrollHeight;
}

export function addLog(key: string, line: LogLine): void {
  const lines = (state.logs[key] ??= []);
  lines.push(line);
  if (lines.length > 1000) lines.splice(0, lines.length - 1000);
  if (key === state.selected) {
    const view = $('log-view');
    view.appendChild(el('span', { class: line.stream, text: `${line.text}\n` }));
    if ($input('logs-follow').checked) view.scrollTop = view.scrollHeight;
  }
}
