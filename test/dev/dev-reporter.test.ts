/**
 * The dev host's terminal lines: a failed start names the step and error once, and the
 * plugin's stderr is not printed twice when its output was already shown live.
 */
import { describe, expect, it } from 'vitest';
import { createDevReporter, printBanner } from '../../src/output/dev-reporter.js';
import type { StampedEvent } from '../../src/core/dev/types.js';
import { memoryIo } from '../helpers/memory-io.js';

const failedStart: StampedEvent = {
  type: 'attempt',
  key: 'acme',
  seq: 1,
  time: Date.now(),
  attempt: { time: Date.now(), ok: false, reason: 'start', step: 'start', error: 'The plugin exited with code 1 before it answered /health.', stderrTail: 'Error: Cannot find package express', durationMs: 40 },
};

describe('dev terminal reporter', () => {
  it('with live logs: the verdict line, not the stderr tail again', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    createDevReporter(io)(failedStart);
    expect(io.stdout.text).toContain('[acme] ✗ start failed at start: The plugin exited with code 1');
    expect(io.stdout.text).not.toContain('Cannot find package express');
  });

  it('without live logs: the stderr tail under the verdict', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    createDevReporter(io, { showLogs: false })(failedStart);
    expect(io.stdout.text).toContain('✗ start failed at start');
    expect(io.stdout.text).toContain('Cannot find package express');
  });

  it('a failed build: the compiler output in full and the hint, with live logs on', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const output = '# example.com/acme\n./handlers.go:107:28: syntax error: unexpected newline';
    createDevReporter(io)({
      type: 'attempt',
      key: 'acme',
      seq: 2,
      time: Date.now(),
      attempt: { time: Date.now(), ok: false, reason: 'file change', step: 'build', error: 'The build `go build -o bin/plugin .` failed with exit code 1.', buildOutput: output, hint: 'Fix what the build printed above.', durationMs: 300 },
    });
    expect(io.stdout.text).toContain('✗ file change failed at build: The build `go build -o bin/plugin .` failed with exit code 1.');
    expect(io.stdout.text).toContain('    ./handlers.go:107:28: syntax error: unexpected newline');
    expect(io.stdout.text).toContain('Hint: Fix what the build printed above.');
  });

  it('a reload that built shows the build time, and notices are printed', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const report = createDevReporter(io);
    report({ type: 'attempt', key: 'acme', seq: 3, time: Date.now(), attempt: { time: Date.now(), ok: true, reason: 'file change', buildMs: 812, durationMs: 1020 } });
    report({ type: 'notice', key: 'acme', seq: 4, time: Date.now(), level: 'warning', message: 'plugin.log is written by the plugin itself' });
    expect(io.stdout.text).toContain('✓ reloaded (file change) in 1020 ms (build 812 ms)');
    expect(io.stdout.text).toContain('[acme] ! plugin.log is written by the plugin itself');
  });

  it('a failed reload is not announced under the word "healthy", and a crash is said once', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const report = createDevReporter(io);
    const at = { time: Date.now() };
    report({ type: 'state', key: 'acme', seq: 1, ...at, state: 'healthy' });
    report({ type: 'state', key: 'acme', seq: 2, ...at, state: 'reloading' });
    report({ type: 'state', key: 'acme', seq: 3, ...at, state: 'reloading', message: 'Building: go build -o bin/plugin .' });
    report({ type: 'state', key: 'acme', seq: 4, ...at, state: 'healthy', message: 'Reload failed (start): boom — still serving the previous version.' });
    report({ type: 'state', key: 'acme', seq: 5, ...at, state: 'crashed', message: 'Exited with code 9; restarting in 500 ms.' });
    report({ type: 'crash', key: 'acme', seq: 6, ...at, code: 9, signal: null, stderrTail: '', restartInMs: 500 });
    const lines = io.stdout.text.trimEnd().split('\n').map((line) => line.slice(9));
    expect(lines).toEqual([
      '[acme] healthy',
      '[acme] reloading',
      '[acme] Building: go build -o bin/plugin .',
      '[acme] Reload failed (start): boom — still serving the previous version.',
      '[acme] crashed (exit code 9); restarting in 500 ms',
    ]);
  });

  it('a failed first start is told once, by its ✗ line and hint', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const report = createDevReporter(io);
    report({ type: 'state', key: 'acme', seq: 1, time: Date.now(), state: 'starting' });
    report({ type: 'state', key: 'acme', seq: 2, time: Date.now(), state: 'failed', message: 'start failed: The plugin exited with code 1 before it answered /health.' });
    report({ ...failedStart, seq: 3 });
    const lines = io.stdout.text.trimEnd().split('\n').map((line) => line.slice(9));
    expect(lines).toEqual(['[acme] starting', '[acme] ✗ start failed at start: The plugin exited with code 1 before it answered /health.']);
  });

  it('a state reached anew keeps its word: unhealthy with the health message', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const report = createDevReporter(io);
    report({ type: 'state', key: 'acme', seq: 1, time: Date.now(), state: 'healthy' });
    report({ type: 'state', key: 'acme', seq: 2, time: Date.now(), state: 'unhealthy', message: 'upstream down' });
    expect(io.stdout.text).toContain('[acme] unhealthy upstream down');
  });

  it('a stream the plugin cut short says so on its request line, not only 200', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    createDevReporter(io)({
      type: 'request',
      seq: 5,
      time: Date.now(),
      entry: { id: 2, time: Date.now(), method: 'POST', path: '/v1/chat/completions', provider: 'acme', model: 'm', status: 200, durationMs: 7, stream: true, requestBody: '', responseBody: '', truncated: false, error: 'other side closed', curl: '' },
    });
    expect(io.stdout.text).toMatch(/POST \/v1\/chat\/completions 200 7\.0 ms \[acme\] m stream — other side closed\n/);
  });
});

describe('dev terminal reporter and hostile plugin output', () => {
  // A title change (OSC), a screen clear (CSI), a bell and an 8-bit CSI.
  const HOSTILE = 'pwn \u001b]0;owned title\u0007 \u001b[2J\u001b[H \u009b31m end';
  const base = { key: 'acme', seq: 1, time: Date.now() };
  const events: StampedEvent[] = [
    { ...base, type: 'log', stream: 'stderr', text: HOSTILE },
    { ...base, type: 'log', stream: 'stdout', text: HOSTILE },
    { ...base, type: 'state', state: 'unhealthy', message: HOSTILE },
    { ...base, type: 'attempt', attempt: { ...failedStart.attempt, error: HOSTILE, stderrTail: HOSTILE } },
    { ...base, type: 'crash', code: 1, signal: null, restartInMs: 100, stderrTail: HOSTILE },
    { ...base, type: 'request', entry: { id: 1, time: Date.now(), method: 'POST', path: '/v1/chat/completions', provider: 'acme', model: HOSTILE, status: 200, durationMs: 1, stream: false, requestBody: '', responseBody: '', truncated: false, error: undefined, curl: '' } },
  ] as StampedEvent[];
  it.each([true, false])('escapes control characters (showLogs %s) the way test does', (showLogs) => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const report = createDevReporter(io, { showLogs });
    for (const event of events) report(event);
    // eslint-disable-next-line no-control-regex
    expect(io.stdout.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F\u009B]/);
    expect(io.stdout.text).toContain('pwn \\x1b]0;owned title\\x07 \\x1b[2J\\x1b[H \\x9b31m end');
  });

  it('the banner shows control characters in folder names escaped, in both lists of paths', () => {
    const io = memoryIo({ env: { NO_COLOR: '1' } });
    const evil = 'bad\u001b]0;owned\u0007/plugin.yaml';
    printBanner(io, { url: 'http://127.0.0.1:1', pageUrl: 'http://127.0.0.1:1/#token=t', mockUpstream: false, watching: true, interactive: false, skipped: [evil], notSearched: [evil] });
    expect(io.stdout.text).not.toContain('\u001b');
    expect(io.stdout.text).toContain('Not loaded (auto_start is not true): bad\\x1b]0;owned\\x07/plugin.yaml');
  });
});
