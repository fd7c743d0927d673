import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli.js';
import { runCli, memoryIo } from '../helpers/memory-io.js';

// Table test of argv -> typed options: the contract between the CLI surface and commands.
describe('parseArgs', () => {
  const cases: Array<[string[], Record<string, unknown>]> = [
    [['validate'], { command: 'validate', options: { paths: [], strict: false, quiet: false, format: undefined } }],
    [['validate', 'a', 'b/', '--strict', '-q', '--format', 'sarif'], { command: 'validate', options: { paths: ['a', 'b/'], strict: true, quiet: true, format: 'sarif' } }],
    [['schema'], { command: 'schema', options: { name: undefined, list: false } }],
    [['schema', 'health', '--list'], { command: 'schema', options: { name: 'health', list: true } }],
    [['test'], { command: 'test', options: expect.objectContaining({ dir: '.', startupTimeoutMs: 30000, timeoutMs: 10000, only: [], skip: [], reporters: [], upstreamField: 'endpoint', strict: false, profile: 'loom-host', bail: false }) }],
    [['test', '--profile', 'guide', '--bail'], { command: 'test', options: expect.objectContaining({ profile: 'guide', bail: true }) }],
    [['test', 'p', '--only', 'a,b', '--only', 'c', '--skip', 'x', '--timeout', '2s', '--startup-timeout', '500ms', '-r', 'json,junit', '--endpoint', 'http://127.0.0.1:9/'], { command: 'test', options: expect.objectContaining({ dir: 'p', only: ['a', 'b', 'c'], skip: ['x'], timeoutMs: 2000, startupTimeoutMs: 500, reporters: ['json', 'junit'], endpoint: 'http://127.0.0.1:9/' }) }],
    [['init'], { command: 'init', options: expect.objectContaining({ name: undefined, language: undefined, streaming: undefined, install: undefined, yes: false, force: false }) }],
    [['init', 'x', '--language', 'GO', '--no-streaming', '--install', '--port', '9000', '-y'], { command: 'init', options: expect.objectContaining({ name: 'x', language: 'go', streaming: false, install: true, port: 9000, yes: true }) }],
    [['init', 'x', '--streaming', '--no-install'], { command: 'init', options: expect.objectContaining({ streaming: true, install: false, providerApi: undefined }) }],
    [['init', 'x', '--provider-api', 'Anthropic'], { command: 'init', options: expect.objectContaining({ providerApi: 'anthropic' }) }],
    [['dev'], { command: 'dev', options: { path: '.', port: 4477, host: '127.0.0.1', token: undefined, config: undefined, mockUpstream: false, upstreamField: 'endpoint', open: true, watch: true } }],
    [['dev', 'plugins', '--port', '0', '--no-open', '--mock-upstream'], { command: 'dev', options: expect.objectContaining({ path: 'plugins', port: 0, open: false, mockUpstream: true }) }],
  ];
  it.each(cases)('%j', async (argv, expected) => {
    const io = memoryIo();
    const parsed = await parseArgs(argv, io);
    expect(parsed).toMatchObject(expected);
  });

  it('reads --no-color before the command', async () => {
    const parsed = await parseArgs(['--no-color', 'validate'], memoryIo());
    expect(parsed.noColor).toBe(true);
  });
});

describe('usage errors', () => {
  const bad: Array<[string[], RegExp]> = [
    [['validate', '--format', 'xml'], /Allowed choices are stylish, json, junit, sarif, github/],
    [['test', '--timeout', 'soon'], /--timeout must be a duration/],
    [['test', '--reporter', 'tap'], /--reporter must be one of human, json, junit, github/],
    [['test', '--profile', 'host'], /--profile must be one of loom-host, guide/],
    [['init', '--language', 'rust'], /--language must be one of python, node, go/],
    [['init', '--provider-api', 'bedrock'], /--provider-api must be one of openai, azure-openai, anthropic, gemini, ollama, cohere/],
    [['init', '--port', '70000'], /--port must be a port number/],
    [['bogus'], /Unknown command "bogus"\./],
    [['validate', '--nope'], /Unknown option "--nope"\./],
    [[], /No command given/],
  ];
  it.each(bad)('%j exits 2 with a clear sentence', async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--version and --help exit 0', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(['test', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes:');
  });
});

// Timers cannot go past 2^31-1 ms: Node fired a longer --timeout after 1 ms ("timed out
// after 1e+23 ms", exit 1). Every duration flag stops at a documented 24 hours.
describe('duration limits', () => {
  const flags = ['--timeout', '--startup-timeout'];
  const tooLong = ['99999999999999999999', '3000000', '86401', '1441m', '86400001ms'];
  it.each(flags.flatMap((flag) => tooLong.map((value) => [flag, value])))('%s %s is a usage error naming the largest value', async (flag, value) => {
    const result = await runCli(['test', flag, value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Error: ${flag} must be at most 86400s (24 hours), not "${value}".`);
    expect(result.stderr).toMatch(/^Hint: .*up to 86400s or 1440m/m);
  });

  it.each(flags)('%s takes 24 hours exactly, in every unit', async (flag) => {
    for (const value of ['86400', '86400s', '1440m', '86400000ms']) {
      const parsed = await parseArgs(['test', flag, value], memoryIo());
      expect(parsed.command === 'test' && (flag === '--timeout' ? parsed.options.timeoutMs : parsed.options.startupTimeoutMs)).toBe(86_400_000);
    }
  });

  it('a value that rounds to 0 ms is refused like 0', async () => {
    const result = await runCli(['test', '--timeout', '0.4ms']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout must be greater than zero.');
  });

  it('a huge value is shown cut short', async () => {
    const result = await runCli(['test', '--timeout', '9'.repeat(100_000)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`not "${'9'.repeat(40)}…".`);
    expect(result.stderr.length).toBeLessThan(600);
  });
});

// A 100,000-character --only became a RegExp "too large" for V8: "Internal error", exit 2
// with "This is a bug". Ids and globs are short; a long one is a usage error up front.
describe('--only and --skip length', () => {
  const long = 'a'.repeat(100_000);
  it.each([
    [['test', '--only', long]],
    [['test', '--list', '--skip', long]],
    [['test', '--only', `errors.*,${'b'.repeat(201)}`]],
  ])('%# is a usage error saying the value is too long', async (argv) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: The --(only|skip) value is too long \(\d+ characters\); a check id or glob has at most 200\.$/m);
    expect(result.stderr).toMatch(/^Hint: Pass ids or globs such as --(only|skip) "errors\.\*"/m);
    expect(result.stderr).not.toContain('Internal error');
    expect(result.stderr.length).toBeLessThan(400);
  });

  it('200 characters still parse (and then match no check)', async () => {
    const parsed = await parseArgs(['test', '--only', 'c'.repeat(200)], memoryIo());
    expect(parsed.command === 'test' && parsed.options.only).toEqual(['c'.repeat(200)]);
    const result = await runCli(['test', '--list', '--only', 'c'.repeat(200)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--only "${'c'.repeat(60)}…" matches no check.`);
  });
});

// --endpoint ftp://x ran the whole suite and failed it at initialize ("Invalid URL
// protocol", exit 1); a URL with a password printed it in "Nothing answers at ...".
describe('--endpoint', () => {
  it.each([
    ['ftp://x', /^Error: --endpoint must be an http:\/\/ or https:\/\/ URL, not "ftp:\/\/x"\.$/m, 'http://127.0.0.1:8080'],
    ['not a url', /^Error: --endpoint must be an http:\/\/ or https:\/\/ URL, not "not a url"\.$/m, 'http://127.0.0.1:8080'],
    ['localhost:8080', /must be an http:\/\/ or https:\/\/ URL/, 'http://localhost:8080'],
    ['http://127.0.0.1:99999', /^Error: --endpoint is not a valid URL \(check its host, and its port: 1 to 65535\): "http:\/\/127\.0\.0\.1:99999"\.$/m, 'http://127.0.0.1:8080'],
    ['http://', /is not a valid URL/, 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080/?x=1', /^Error: --endpoint must be a base URL without a \?query or #fragment/m, 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080#top', /without a \?query or #fragment/, 'http://127.0.0.1:8080'],
  ])('%s is a usage error with an example', async (value, message, example) => {
    const result = await runCli(['test', '--endpoint', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`Hint: Give the plugin's base URL, e.g. --endpoint ${example}.`);
  });

  it('a URL with a password is refused without printing it', async () => {
    const result = await runCli(['test', '--endpoint', 'http://admin:hunter2@127.0.0.1:8080']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error: --endpoint must not contain a user name or password.');
    expect(result.stderr).not.toContain('hunter2');
  });

  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://plugin.example.com/base/', 'https://plugin.example.com/base/'],
    [' HTTP://[::1]:8080 ', 'HTTP://[::1]:8080'],
  ])('%j is taken', async (value, endpoint) => {
    const parsed = await parseArgs(['test', '--endpoint', value], memoryIo());
    expect(parsed.command === 'test' && parsed.options.endpoint).toBe(endpoint);
  });
});

// dev --host http://127.0.0.1:8080 warned that the host listens beyond loopback, then
// failed with "getaddrinfo ENOTFOUND http://127.0.0.1:8080".
describe('dev --host', () => {
  it.each([
    ['http://127.0.0.1:8080', 'Hint: Give the address alone, and the port with --port: --host 127.0.0.1 --port 8080.'],
    ['http://[::1]:9000/', 'Hint: Give the address alone, and the port with --port: --host ::1 --port 9000.'],
    ['localhost:5000', 'Hint: Give the address alone, and the port with --port: --host localhost --port 5000.'],
    ['my host', 'Hint: Pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every IPv4 address).'],
    ['', 'Hint: Pass --host 127.0.0.1'],
  ])('%j is a usage error that says how to split it', async (value, hint) => {
    const result = await runCli(['dev', '--host', value, '--no-open']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Error: --host takes an address to listen on, such as 127.0.0.1 or 0.0.0.0, not "${value}".`);
    expect(result.stderr).toContain(hint);
    expect(result.stderr).not.toContain('Warning:');
  });

  it.each(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'myhost.lan'])('%s is taken', async (host) => {
    const parsed = await parseArgs(['dev', '--host', host], memoryIo());
    expect(parsed.command === 'dev' && parsed.options.host).toBe(host);
  });
});
