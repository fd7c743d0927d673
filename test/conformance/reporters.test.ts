import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { MemoryStream, memoryIo } from '../helpers/memory-io.js';
import { oneLineSafe, terminalSafe } from '../../src/output/terminal-safe.js';
import type { ConformanceReport } from '../../src/core/conformance/run-conformance.js';
import { markNotRun, summarizeResults, summaryPasses } from '../../src/core/conformance/summary.js';
import type { CheckResult } from '../../src/core/conformance/types.js';
import {
  escapeData,
  escapeProperty,
  renderCatalogueJson,
  renderCatalogueText,
  renderGithubAnnotations,
  renderGithubSummary,
  renderHumanReport,
  renderJsonReport,
  renderJunitReport,
  xmlEscape,
} from '../../src/output/test-reporters/index.js';

const plain = new Chalk({ level: 0 });

const NASTY = 'bad <tag> & "quotes" \'apos\' \u0000nul\u001b[31m 100% a:b,c\nsecond line';

function check(id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: `title of ${id}`, endpoint: 'POST /chat/completions', level: 'required', contract: 'errors', status, durationMs: 3, ...extra };
}

function makeReport(results: CheckResult[], extra: Partial<ConformanceReport> = {}, strict = false): ConformanceReport {
  const summary = summarizeResults(results, strict, 1234);
  return {
    reportVersion: 1,
    tool: { name: 'loom-plugin', version: '0.1.0' },
    plugin: { name: 'Fixture & Co', providerType: 'fixture', manifest: '/tmp/x/plugin.yaml', endpoint: 'http://127.0.0.1:4000', mode: 'started' },
    startedAt: '2026-01-01T10:00:00.000Z',
    strict,
    profile: 'loom-host',
    results,
    summary,
    timings: { startupMs: 100, checksMs: 1000, shutdownMs: 20 },
    ok: summaryPasses(summary),
    ...extra,
  };
}

const failing = check('errors.rate-limit', 'fail', {
  message: NASTY,
  expected: 'status 429 with Retry-After',
  details: ['details[0] <x>'],
  exchange: {
    method: 'POST',
    url: 'http://127.0.0.1:4000/chat/completions',
    requestBody: '{"model":"mock-small"}',
    status: 500,
    responseExcerpt: '{"code":"internal_error"}',
    durationMs: 4,
    curl: "curl -sS -X POST 'http://127.0.0.1:4000/chat/completions' -d '{}'",
  },
});
const report = makeReport(
  [
    check('lifecycle.initialize', 'pass'),
    failing,
    check('errors.timeout.status', 'fail', { level: 'recommended', message: 'answered 500, expected 504' }),
    check('streaming.done', 'skip', { capability: 'streaming', message: 'streaming not declared' }),
    check('errors.auth', 'expected-fail', { message: 'broken (expected)' }),
    check('metadata.schema', 'stale', { message: 'This check passes now: remove "metadata.schema" from known.yaml.' }),
  ],
  { logTail: 'plugin says hi\nplugin says bye', checkLogs: { 'errors.rate-limit': ['[stderr] upstream said 429'] } },
);

/** A small XML well-formedness check: balanced tags, quoted attributes, only known entities. */
function assertWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('?>') + 2);
  // eslint-disable-next-line no-control-regex
  expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(body)).toBe(false);
  expect(/&(?!(amp|lt|gt|quot|apos);)/.test(body)).toBe(false);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = tag.exec(body)) !== null) {
    const between = body.slice(last, match.index);
    expect(between.includes('<')).toBe(false);
    expect(between.includes('>')).toBe(false);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name as string);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('junit reporter', () => {
  const xml = renderJunitReport(report);

  it('is well-formed XML with escaped text and no control characters', () => {
    assertWellFormedXml(xml);
    expect(xml).toContain('bad &lt;tag&gt; &amp; &quot;quotes&quot; &apos;apos&apos;');
    expect(xml).not.toContain('\u0000');
  });

  it('has one testsuite per group and one testcase per check with the right elements', () => {
    expect(xml.match(/<testsuite /g)?.length).toBe(5); // lifecycle, errors, streaming, metadata + plugin log
    expect(xml.match(/<testcase /g)?.length).toBe(6);
    expect(xml).toMatch(/<testsuites name="loom-plugin test Fixture &amp; Co" tests="6" failures="2" errors="0" skipped="1"/);
    expect(xml).toMatch(/<testsuite name="errors" tests="3" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/name="errors.rate-limit: title of errors.rate-limit"[^>]*>\n\s*<failure message="[^"]*" type="required">/);
    expect(xml).toMatch(/name="metadata.schema[^"]*"[^>]*>\n\s*<failure [^>]*type="stale-expected-failure"/);
    expect(xml).toMatch(/name="streaming.done[^"]*"[^>]*>\n\s*<skipped message="streaming not declared"\/>/);
    // A warning (recommended, not strict) passes, with the reason kept in system-out.
    expect(xml).toMatch(/name="errors.timeout.status[^"]*"[^>]*>\n\s*<system-out>Warning \(recommended check\): answered 500/);
    expect(xml).toContain('Reproduce: curl -sS -X POST');
    expect(xml).toContain('plugin says bye');
  });

  it('under --strict a failed recommended check is a failure', () => {
    const strict = renderJunitReport({ ...report, strict: true });
    expect(strict).toMatch(/name="errors.timeout.status[^"]*"[^>]*>\n\s*<failure [^>]*type="recommended"/);
    expect(strict).toMatch(/<testsuites [^>]*failures="3"/);
  });

  it('a crash becomes a failing plugin testcase', () => {
    const crashed = renderJunitReport({ ...report, pluginExit: { code: 3, signal: null, message: 'the plugin exited (code 3)' } } as typeof report);
    assertWellFormedXml(crashed);
    expect(crashed).toMatch(/<failure message="the plugin exited \(code 3\)" type="crash">/);
    expect(crashed).toMatch(/<testsuites [^>]*tests="7" failures="3"/);
  });

  it('xmlEscape replaces characters XML 1.0 forbids', () => {
    expect(xmlEscape('a\u0001b\u001fc\td')).toBe('a\uFFFDb\uFFFDc\td');
    expect(xmlEscape('😀')).toBe('😀');
  });
});

describe('github reporter', () => {
  it('plugin output shown in the log issues no workflow command (a line starting with ::)', () => {
    const stderr = '::add-mask::hunter2\n  ::error title=x::forged\nok :: fine\n\t::warning::w';
    const shown = terminalSafe(stderr).replace(/^/gm, '  ');
    expect(shown).not.toMatch(/^\s*::/m);
    expect(shown).toContain('\\x3a:add-mask::hunter2');
    expect(shown).toContain('ok :: fine');
    expect(oneLineSafe(stderr)).not.toMatch(/^\s*::/m);
  });

  const annotations = renderGithubAnnotations(report, 'plugins/fixture/plugin.yaml');

  it('prints one workflow command per line: errors, warnings and a notice', () => {
    const lines = annotations.trimEnd().split('\n');
    expect(lines.every((line) => line.startsWith('::'))).toBe(true);
    expect(lines.filter((line) => line.startsWith('::error ')).length).toBe(2); // failure + stale
    expect(lines.filter((line) => line.startsWith('::warning ')).length).toBe(1);
    expect(lines.at(-1)).toMatch(/^::notice .*::failed: 1 passed, 1 failed, 1 warnings, 0 blocked, 1 skipped$/);
    expect(annotations).toContain('::error file=plugins/fixture/plugin.yaml,title=errors.rate-limit (required)::');
  });

  it('keeps the details (the sentences that say how to fix it) in the annotation and the summary', () => {
    expect(annotations).toContain('Expected: status 429 with Retry-After%0A  · details[0] <x>%0APOST');
    expect(renderGithubSummary(report)).toContain('Expected: status 429 with Retry-After\n  · details[0] <x>\nPOST');
  });

  it('escapes messages and properties by the runner rules', () => {
    expect(annotations).toContain('100%25 a:b,c%0Asecond line');
    expect(escapeData('50%\r\nx')).toBe('50%25%0D%0Ax');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('writes a Markdown summary with a row per check and escaped HTML', () => {
    const md = renderGithubSummary(report);
    expect(md).toContain('## loom-plugin test: Fixture & Co ❌ failed');
    expect(md).toContain('| ❌ | `errors.rate-limit`');
    expect(md).toContain('| ⚠️ | `errors.timeout.status`');
    const rows = md.split('\n').filter((line) => line.startsWith('| ') || line.startsWith('<details>'));
    expect(rows.join('\n')).toContain('bad &lt;tag&gt;');
    expect(rows.join('\n')).not.toContain('<tag>');
    expect(md.match(/^\| (✅|❌|⚠️|⏭️|☑️|❗) \|/gm)?.length).toBe(6);
  });
});

describe('a required check blocked by an accepted failure (not run)', () => {
  // The root cause is an expected failure, so the blocked required check is what fails the run.
  const notRunReport = makeReport(
    markNotRun([check('chat.schema', 'expected-fail', { message: 'broken (expected)' }), check('chat.forwarded', 'blocked', { blockedBy: 'chat.schema', message: 'blocked by chat.schema: fix that first' })], false),
  );

  it('JUnit counts it once, as a failure, not also as skipped', () => {
    const xml = renderJunitReport(notRunReport);
    expect(notRunReport.ok).toBe(false);
    expect(xml).toMatch(/<testsuites [^>]*tests="2" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/name="chat.forwarded[^"]*"[^>]*>\n\s*<failure message="Not run: /);
  });

  it('the step summary shows it as a failure that did not run, not as "blocked by"', () => {
    const md = renderGithubSummary(notRunReport);
    expect(md).toMatch(/^\| ❌ \| `chat.forwarded` [^\n]*\| Not run: it requires chat.schema/m);
    expect(md).not.toContain('blocked by chat.schema |');
  });
});

describe('human reporter', () => {
  const text = renderHumanReport(report, plain);

  it('groups results and marks each status', () => {
    expect(text).toMatch(/^lifecycle\n {2}✓ lifecycle\.initialize 3 ms$/m);
    expect(text).toMatch(/^ {2}✗ errors\.rate-limit 3 ms {2}bad <tag>/m);
    expect(text).toMatch(/^ {2}! errors\.timeout\.status \(recommended\) 3 ms {2}warning: answered 500, expected 504$/m);
    expect(text).toMatch(/^ {2}- streaming\.done {2}skipped: streaming not declared$/m);
  });

  it('shows, for each failure, request, response, expectation, curl and plugin output', () => {
    const block = text.slice(text.indexOf('Failures'));
    expect(block).toContain('1) errors.rate-limit [required] title of errors.rate-limit');
    expect(block).toContain('Expected: status 429 with Retry-After');
    expect(block).toContain('Request:  POST http://127.0.0.1:4000/chat/completions -> 500');
    expect(block).toContain('Response: {"code":"internal_error"}');
    expect(block).toContain("     curl -sS -X POST 'http://127.0.0.1:4000/chat/completions' -d '{}'");
    expect(block).toContain('     [stderr] upstream said 429');
    expect(block).toContain('[stale expected failure]');
    expect(block).toContain('Warnings (recommended checks; they fail the run with --strict)');
    expect(block).toContain('  plugin says bye');
  });

  it('ends with a verdict and phase timings', () => {
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'FAIL 1 passed, 1 failed, 1 warning, 1 expected failure, 1 stale, 1 skipped in 1.23 s (start-up 100 ms, checks 1.00 s, shutdown 20 ms)',
    );
  });

  it('a passing run says PASS and lists no failures', () => {
    const ok = renderHumanReport(makeReport([check('lifecycle.initialize', 'pass')]), plain);
    expect(ok).not.toContain('Failures');
    expect(ok.trimEnd().split('\n').at(-1)).toMatch(/^PASS 1 passed in /);
  });

  it('never passes control characters from the plugin to the terminal', () => {
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u0008\u000B-\u001F]/.test(text)).toBe(false);
    expect(text).toContain('\\x1b[31m 100% a:b,c');
  });
});

describe('json reporter', () => {
  it('is the versioned report, unchanged', () => {
    const parsed = JSON.parse(renderJsonReport(report)) as ConformanceReport;
    expect(parsed.reportVersion).toBe(1);
    expect(parsed.results).toHaveLength(6);
    expect(parsed.summary).toEqual(report.summary);
    expect(parsed.results[1]?.message).toBe(NASTY);
  });
});

describe('catalogue listing', () => {
  const checks = [
    { id: 'lifecycle.initialize', title: 'initialize works', endpoint: 'POST /initialize', level: 'required' as const, contract: 'lifecycle' },
    { id: 'streaming.done', title: 'ends with [DONE]', endpoint: 'POST /chat/completions', level: 'required' as const, capability: 'streaming' as const, contract: 'streaming' },
  ];
  it('text: id, level, title and capability per line, grouped', () => {
    const text = renderCatalogueText(checks, plain);
    expect(text).toContain('lifecycle\n  lifecycle.initialize  required     initialize works\n');
    expect(text).toContain('  streaming.done        required     ends with [DONE] [streaming]');
    expect(text).toContain('2 checks.');
  });
  it('text: a group that recurs in run order gets one heading', () => {
    const interleaved = [checks[0]!, { ...checks[0]!, id: 'host.load' }, { ...checks[0]!, id: 'lifecycle.reload' }];
    const text = renderCatalogueText(interleaved, plain);
    expect(text.split('\n').filter((line) => line === 'lifecycle')).toHaveLength(1);
    expect(text.indexOf('lifecycle.reload')).toBeLessThan(text.indexOf('host.load'));
  });
  it('json: versioned list with every field', () => {
    const parsed = JSON.parse(renderCatalogueJson(checks)) as { reportVersion: number; checks: unknown[] };
    expect(parsed.reportVersion).toBe(1);
    expect(parsed.checks[1]).toEqual({ id: 'streaming.done', title: 'ends with [DONE]', endpoint: 'POST /chat/completions', level: 'required', capability: 'streaming', contract: 'streaming' });
  });
});

describe('human reporter, live', () => {
  /** A terminal-like stream: enough of tty.WriteStream for ora. */
  class FakeTerminal {
    text = '';
    isTTY = true;
    columns = 100;
    write(chunk: string): boolean {
      this.text += chunk;
      return true;
    }
    cursorTo(): boolean {
      return true;
    }
    moveCursor(): boolean {
      return true;
    }
    clearLine(): boolean {
      return true;
    }
  }

  async function live(env: NodeJS.ProcessEnv) {
    const { createHumanReporter } = await import('../../src/output/test-reporters/index.js');
    const io = memoryIo({ env });
    const stdout = new MemoryStream(true);
    const stderr = new FakeTerminal();
    const ioWithTerminal = { ...io, stdout, stderr };
    const reporter = await createHumanReporter(ioWithTerminal, { strict: false });
    const checks = report.results.map(({ id, title, endpoint, level, contract }) => ({ id, title, endpoint, level, contract }));
    reporter.onEvent({ type: 'phase', phase: 'start' });
    reporter.onEvent({ type: 'plan', checks, endpoint: 'http://127.0.0.1:4000', mode: 'started', name: 'Fixture', command: 'node server.mjs' });
    // Results arrive out of group order; they are printed in grouped order.
    for (const result of [...report.results].reverse()) {
      reporter.onEvent({ type: 'check-start', check: result });
      reporter.onEvent({ type: 'result', result });
    }
    reporter.finish(report);
    return { stdout: stdout.text, stderr: stderr.text };
  }

  it('animates a spinner on a terminal outside CI, results on stdout in grouped order', async () => {
    const { stdout, stderr } = await live({ TERM: 'xterm', NO_COLOR: '1' });
    expect(stderr).toContain('starting the plugin');
    expect(stderr).toContain('\u001b[?25l'); // ora hid the cursor to animate
    const ids = [...stdout.matchAll(/^ {2}. ([\w.-]+)/gm)].map((m) => m[1]);
    expect(ids).toEqual(['lifecycle.initialize', 'errors.rate-limit', 'errors.timeout.status', 'errors.auth', 'streaming.done', 'metadata.schema']);
    expect(stdout).toContain('loom-plugin test Fixture: started `node server.mjs` at http://127.0.0.1:4000; running 6 checks');
    expect(stdout).toMatch(/FAIL 1 passed/);
  });

  it('never animates in CI: plain lines only, nothing on stderr', async () => {
    const { stdout, stderr } = await live({ CI: 'true', TERM: 'xterm', NO_COLOR: '1' });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^ {2}✓ lifecycle\.initialize/m);
  });
});
