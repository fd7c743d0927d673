/**
 * "Run conformance": the `loom-plugin test` suite, run by the host against a second
 * instance of the selected plugin (its own process, port and mock upstream), so the
 * serving instance and the chat are not disturbed. Results stream in as they come.
 */
import { api, readPieces } from './api.js';
import { $, clear, el, millis, plural } from './dom.js';
import { selectedPlugin } from './state.js';
import type { CheckResult, ConformanceStreamEvent as RunEvent } from './types.js';

const ICONS: Record<string, string> = { pass: '✓', fail: '✗', skip: '–', blocked: '○' };
let running: AbortController | undefined;

function progress(planned: number, results: CheckResult[]): string {
  const count = (status: string): number => results.filter((r) => r.status === status).length;
  const blocked = count('blocked');
  return `${results.length} of ${plural(planned, 'check')} · ${count('pass')} passed, ${count('fail')} failed${blocked ? `, ${blocked} blocked` : ''}, ${count('skip')} skipped`;
}

function row(result: CheckResult): HTMLElement {
  const warn = result.status === 'fail' && result.level !== 'required';
  return el('li', { class: `check-row ${result.status}${warn ? ' warn' : ''}`, 'data-id': result.id }, [
    el('span', { class: 'icon', text: ICONS[result.status] ?? '?' }),
    el('span', { class: 'mono', text: result.id, title: result.id }),
    el('span', { class: 'title', text: result.title, title: result.title }),
    el('span', { class: 'muted small', text: millis(result.durationMs) }),
    result.status === 'fail' && result.message ? el('div', { class: 'why', text: result.message }) : null,
    // Not run: a check it needs failed first; the root cause is the row to read.
    result.status === 'blocked' ? el('div', { class: 'why muted', text: `blocked by ${result.blockedBy ?? '?'}` }) : null,
  ]);
}

function couldNotRun(message: string): void {
  const status = $('conformance-status');
  status.textContent = `Could not run: ${message}`;
  status.className = 'conformance-status st-bad';
}

function handle(event: RunEvent, results: CheckResult[], plan: { checks: number }): void {
  const status = $('conformance-status');
  if (event.type === 'plan') plan.checks = event.checks;
  if (event.type === 'result') {
    results.push(event.result);
    $('conformance-results').appendChild(row(event.result));
  }
  if (event.type === 'plugin-exit') status.textContent = `The test instance exited (code ${event.code ?? '?'}).`;
  else if (event.type === 'done') {
    const s = event.summary;
    status.textContent = `${event.ok ? 'PASS' : 'FAIL'} · ${s.passed} passed, ${s.failed} failed${s.blocked ? `, ${s.blocked} blocked` : ''}, ${s.skipped} skipped${s.warnings ? `, ${plural(s.warnings, 'warning')}` : ''} in ${(s.durationMs / 1000).toFixed(1)} s`;
    status.className = `conformance-status ${event.ok ? 'st-ok' : 'st-bad'}`;
  } else if (event.type === 'error') couldNotRun(event.message);
  else if (event.type !== 'started') status.textContent = progress(plan.checks, results);
}

async function run(button: HTMLButtonElement): Promise<void> {
  const plugin = selectedPlugin();
  if (!plugin) return;
  running = new AbortController();
  button.textContent = 'Stop';
  clear($('conformance-results'));
  const status = $('conformance-status');
  status.className = 'conformance-status';
  status.textContent = `Starting a second instance of ${plugin.key}…`;
  const results: CheckResult[] = [];
  const plan = { checks: 0 };
  try {
    const response = await api(`/api/plugins/${encodeURIComponent(plugin.key)}/conformance`, { method: 'POST', body: '{}', signal: running.signal });
    if (response.status !== 200) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new Error(body.error ?? `HTTP ${response.status}`);
    }
    await readPieces(response, '\n', (line) => {
      if (line.trim()) handle(JSON.parse(line) as RunEvent, results, plan);
    });
  } catch (error) {
    if (!running.signal.aborted) couldNotRun((error as Error).message);
    else status.textContent = `Stopped after ${plural(results.length, 'check')}.`;
  } finally {
    running = undefined;
    button.textContent = 'Run conformance';
  }
}

export function setUpConformance(): void {
  const button = $('conformance-run') as HTMLButtonElement;
  button.addEventListener('click', () => {
    if (running) running.abort();
    else void run(button);
  });
}
