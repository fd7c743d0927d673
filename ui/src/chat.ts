/**
 * The chat box: talks to /v1/chat/completions like any OpenAI client, streamed or not.
 * Errors are shown from the OpenAI error object the host answers (message and code,
 * secrets already masked by the host), never as the raw body.
 */
import { api, readPieces } from './api.js';
import { $, $input, clear, el } from './dom.js';
import { state } from './state.js';

interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

interface OpenAiErrorBody {
  error?: { message?: unknown; code?: unknown };
}

let history: ChatMessage[] = [];

function bubble(kind: string, text: string): HTMLElement {
  const node = el('div', { class: `msg ${kind}`, text });
  const log = $('chat-log');
  log.appendChild(node);
  log.scrollTop = log.scrollHeight;
  return node;
}

/** "HTTP 404 · model_not_found: <message>" from an error answer's body. */
export function describeError(status: number | undefined, text: string): string {
  let body: OpenAiErrorBody | undefined;
  try {
    body = JSON.parse(text) as OpenAiErrorBody;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  const head = status === undefined ? 'Error' : `HTTP ${status}`;
  if (error && typeof error.message === 'string') return `${head}${typeof error.code === 'string' ? ` · ${error.code}` : ''}\n${error.message}`;
  // Not the OpenAI shape (it always is from this host): say so without echoing the body.
  return `${head}\nThe answer was not an OpenAI error object (see the request in the inspector).`;
}

function renderModels(): void {
  const select = $('model-select') as HTMLSelectElement;
  const current = select.value;
  const options = state.plugins.flatMap((plugin) => plugin.models.map((model) => ({ id: model.id, label: `${model.id}  ·  ${plugin.providerType ?? plugin.key}` })));
  const signature = options.map((option) => option.label).join('|');
  if (select.getAttribute('data-signature') === signature) return;
  select.setAttribute('data-signature', signature);
  clear(select);
  for (const option of options) select.appendChild(el('option', { value: option.id, text: option.label }));
  if (options.some((option) => option.id === current)) select.value = current;
}

async function readStream(response: Response, reply: HTMLElement, onFirstByte: () => void): Promise<string> {
  let content = '';
  let first = true;
  await readPieces(response, /\r?\n\r?\n/, (event) => {
    if (first) {
      first = false;
      onFirstByte();
    }
    for (const line of event.split(/\r?\n/)) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') continue;
      let parsed: { error?: { message?: string; code?: string }; choices?: Array<{ delta?: { content?: string } }> };
      try {
        parsed = JSON.parse(data) as typeof parsed;
      } catch {
        continue;
      }
      if (parsed.error) throw new Error(`Error in the stream${parsed.error.code ? ` · ${parsed.error.code}` : ''}\n${parsed.error.message ?? ''}`);
      const piece = parsed.choices?.[0]?.delta?.content;
      if (piece) {
        content += piece;
        reply.textContent = content;
        $('chat-log').scrollTop = 1e9;
      }
    }
  });
  return content;
}

async function sendChat(text: string): Promise<void> {
  const model = ($('model-select') as HTMLSelectElement).value;
  const stream = $input('stream-toggle').checked;
  history.push({ role: 'user', content: text });
  bubble('user', text);
  const reply = bubble(`assistant${stream ? ' streaming' : ''}`, '');
  const started = performance.now();
  let firstByte: number | null = null;
  ($('chat-send') as HTMLButtonElement).disabled = true;
  try {
    const response = await api('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model, messages: history, stream }) });
    const type = response.headers.get('content-type') ?? '';
    let content: string;
    if (response.status !== 200) throw new Error(describeError(response.status, await response.text()));
    if (type.includes('text/event-stream')) {
      content = await readStream(response, reply, () => (firstByte = performance.now() - started));
    } else {
      const data = (await response.json()) as { choices?: Array<{ message?: { content?: string | null } }> };
      content = data.choices?.[0]?.message?.content ?? '';
      reply.textContent = content;
    }
    history.push({ role: 'assistant', content });
    reply.classList.remove('streaming');
    const total = performance.now() - started;
    const meta = `${model} · ${Math.round(total)} ms${firstByte !== null && stream ? ` · first byte ${Math.round(firstByte)} ms` : ''}`;
    reply.appendChild(el('span', { class: 'meta', text: meta }));
  } catch (error) {
    history.pop();
    reply.remove();
    bubble('error', (error as Error).message);
  } finally {
    ($('chat-send') as HTMLButtonElement).disabled = false;
  }
}

export function setUpChat(): void {
  $('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('chat-input') as HTMLTextAreaElement;
    const text = input.value.trim();
    if (!text || !($('model-select') as HTMLSelectElement).value) return;
    input.value = '';
    void sendChat(text);
  });
  $('chat-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      ($('chat-form') as HTMLFormElement).requestSubmit();
    }
  });
  $('chat-clear').addEventListener('click', () => {
    history = [];
    clear($('chat-log'));
  });
}

export { renderModels };
