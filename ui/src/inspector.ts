/** Requests through /v1: a list and the selected one's curl line and bodies (masked by the host). */
import { $, clear, el, pretty } from './dom.js';
import { state } from './state.js';
import type { RequestEntry } from './types.js';

export function renderRequests(): void {
  const list = clear($('request-list'));
  if (!state.requests.length) list.appendChild(el('div', { class: 'empty', text: '  No requests yet: send a chat.' }));
  for (const r of state.requests.slice().reverse()) {
    const ok = r.status === 200;
    const select = (): void => {
      state.selectedRequest = r.id;
      renderRequests();
    };
    list.appendChild(
      el('div', { class: `req${r.id === state.selectedRequest ? ' selected' : ''}`, 'data-id': String(r.id), onclick: select }, [
        el('span', { text: r.method }),
        el('span', { text: r.path + (r.stream ? ' (stream)' : '') + (r.model ? ` · ${r.model}` : '') }),
        el('span', { class: ok ? 'st-ok' : 'st-bad', text: r.status === undefined || r.status === null ? 'ERR' : String(r.status) }),
        el('span', { class: 'ms', text: `${r.durationMs.toFixed(1)} ms` }),
      ]),
    );
  }
  const detail = clear($('request-detail'));
  const r = state.requests.find((entry) => entry.id === state.selectedRequest);
  if (!r) return;
  const copy = el('button', { type: 'button', class: 'ghost' }, ['Copy']);
  copy.addEventListener('click', () => {
    void navigator.clipboard.writeText(r.curl).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1200);
    });
  });
  const outcome = r.status === undefined || r.status === null ? 'no answer' : String(r.status);
  detail.appendChild(el('div', { class: 'mono small muted', text: `${r.method} ${r.path} → ${outcome} in ${r.durationMs.toFixed(1)} ms${r.provider ? ` via ${r.provider}` : ''}${r.error ? ` · ${r.error}` : ''}` }));
  // Forwarded unchanged, but the shipped Loom host would refuse it: said first.
  for (const warning of r.warnings ?? []) detail.appendChild(el('div', { class: 'request-warning', text: `! ${warning}` }));
  detail.appendChild(el('h4', {}, ['curl', copy]));
  detail.appendChild(el('pre', { class: 'curl', text: r.curl }));
  detail.appendChild(el('h4', { text: 'Request body' }));
  detail.appendChild(el('pre', { text: pretty(r.requestBody) }));
  detail.appendChild(el('h4', { text: `Response body${r.truncated ? ' (truncated)' : ''}` }));
  detail.appendChild(el('pre', { class: 'response-body', text: r.stream ? r.responseBody : pretty(r.responseBody) }));
}

export function addRequest(entry: RequestEntry): void {
  state.requests.push(entry);
  if (state.requests.length > 200) state.requests.shift();
  state.selectedRequest = entry.id;
  renderRequests();
}
