/** Small pieces of the dev host: watcher ignore rules, guards, masking, the serial queue, the exposure warning. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../../src/core/runtime/mask-secrets.js';
import { EventBus } from '../../src/core/dev/event-bus.js';
import type { StampedEvent } from '../../src/core/dev/types.js';
import { allowedHostProblem, hostRules, isHostAllowed, isLoopbackAddress, newToken } from '../../src/core/dev/security.js';
import { hostUrls } from '../../src/core/dev/host-urls.js';
import { SerialQueue } from '../../src/core/dev/serial-queue.js';
import { isIgnoredPath } from '../../src/core/dev/watch-plugin.js';
import { RequestLog, curlLine } from '../../src/core/dev/request-log.js';
import { printExposureWarning } from '../../src/output/dev-reporter.js';
import { memoryIo } from '../helpers/memory-io.js';

describe('watch ignore rules', () => {
  const root = '/p';
  it.each([
    ['node_modules/x/index.js', true],
    ['.git/index', true],
    ['.venv/lib/site.py', true],
    ['venv/bin/python', true],
    ['pkg/__pycache__/m.cpython-312.pyc', true],
    ['dist/out.js', true],
    ['target/debug/app', true],
    ['.plugin.py.swp', true],
    ['plugin.py~', true],
    ['.#plugin.py', true],
    ['#plugin.py#', true],
    ['4913', true],
    ['main.go___jb_tmp___', true],
    ['plugin.py', false],
    ['plugin.yaml', false],
    ['src/handlers/chat.ts', false],
    ['distance.js', false],
  ])('%s -> ignored %s', (path, ignored) => {
    expect(isIgnoredPath(join(root, path), root)).toBe(ignored);
  });
});

describe('guards', () => {
  it('allows IP literals and localhost in Host, other names only when allowed', () => {
    const rules = hostRules(4477, ['127.0.0.1'], ['myhost.lan', '.example.test']);
    for (const host of ['127.0.0.1:4477', 'localhost:4477', '[::1]:4477', '0.0.0.0:4477', '192.168.1.20', '[fd00::1]:80', 'myhost.lan:4477', 'example.test:1', 'a.example.test:4477']) {
      expect(isHostAllowed(host, rules), host).toBe(true);
    }
    for (const host of ['', 'evil.example:4477', 'other.lan:4477', 'badexample.test:4477', '::1:4477', '[::1', '[evil.example]:4477', 'localhost.:4477', '2130706433:4477', 'localhost:port']) {
      expect(isHostAllowed(host, rules), host).toBe(false);
    }
    expect(isLoopbackAddress('localhost')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });

  it('refuses --allowed-host values that are not names or would allow a whole top-level domain', () => {
    for (const name of ['myhost.lan', 'MyHost', '.example.com', 'dev_box.local']) expect(allowedHostProblem(name), name).toBeUndefined();
    for (const name of ['', '*', '.com', 'http://x', 'x:80', 'a/b', '.', 'a..b']) expect(allowedHostProblem(name), name).toBeDefined();
  });

  it('prints 127.0.0.1 and the interface addresses for a wildcard bind, the bound address otherwise', () => {
    const interfaces = () => ({
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }, { address: '::1', family: 'IPv6', internal: true }],
      eth0: [{ address: '192.168.1.20', family: 'IPv4', internal: false }, { address: 'fd00::2', family: 'IPv6', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }],
    }) as unknown as ReturnType<typeof import('node:os').networkInterfaces>;
    expect(hostUrls('0.0.0.0', 80, interfaces)).toEqual({ local: 'http://127.0.0.1:80', network: ['http://192.168.1.20:80'] });
    expect(hostUrls('::', 80, interfaces)).toEqual({ local: 'http://127.0.0.1:80', network: ['http://192.168.1.20:80', 'http://[fd00::2]:80'] });
    expect(hostUrls('192.168.1.20', 80, interfaces)).toEqual({ local: 'http://192.168.1.20:80', network: [] });
    expect(hostUrls('::1', 80, interfaces)).toEqual({ local: 'http://[::1]:80', network: [] });
  });

  it('makes long, distinct tokens', () => {
    const a = newToken();
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(newToken()).not.toBe(a);
  });

  it('warns on stderr when binding beyond loopback', () => {
    const io = memoryIo();
    printExposureWarning(io, '192.168.1.20');
    expect(io.stderr.text).toContain('Warning: the dev host listens on 192.168.1.20');
  });
});

describe('masking', () => {
  it('an event bus whose secrets read as JSON literals still delivers health events intact (dev crashed here)', () => {
    const bus = new EventBus(new SecretMasker(['true', '12', 'null', 'false']));
    const seen: StampedEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    const sample = { time: 12, healthy: true, message: 'ok 12 true', latencyMs: 12, error: null };
    expect(() => bus.emit({ type: 'health', key: 'p', sample } as never)).not.toThrow();
    expect(seen).toHaveLength(1);
    expect((seen[0] as unknown as { sample: unknown }).sample).toEqual({ time: 12, healthy: true, message: 'ok *** ***', latencyMs: 12, error: null });
  });

  it('masks every secret in text and nested values, longest first', () => {
    const secrets = new SecretMasker();
    secrets.add('abc123', 'abc123456', undefined, 'x');
    expect(secrets.mask('k=abc123456 and abc123')).toBe('k=*** and ***');
    expect(secrets.maskValue({ a: ['abc123'], b: { c: 'pre-abc123-post' } })).toEqual({ a: ['***'], b: { c: 'pre-***-post' } });
    // A short value is masked only as a whole token (it would otherwise cut every word).
    expect(secrets.mask('x marks xylophone')).toBe('*** marks xylophone');
  });

  it('builds a curl line that names the token as a variable and quotes the body', () => {
    const line = curlLine('http://127.0.0.1:4477', 'POST', '/v1/chat/completions', `{"content":"it's"}`);
    expect(line).toBe(`curl -sS -X POST 'http://127.0.0.1:4477/v1/chat/completions' -H "Authorization: Bearer $LOOM_DEV_TOKEN" -H 'Content-Type: application/json' --data-raw '{"content":"it'\\''s"}'`);
  });
});

describe('request log', () => {
  it('keeps the newest entries, oldest first, masked on the way out', () => {
    const secrets = new SecretMasker();
    secrets.add('hunter22');
    const log = new RequestLog(secrets, 3);
    for (let i = 1; i <= 7; i++) {
      log.add({ time: i, method: 'POST', path: '/v1/chat/completions', provider: 'p', model: 'm', status: 200, durationMs: 1, stream: false, requestBody: `{"n":${i},"k":"hunter22"}`, responseBody: '{}', truncated: false, error: undefined }, 'http://127.0.0.1:1');
    }
    const entries = log.entries();
    expect(entries.map((e) => e.id)).toEqual([5, 6, 7]);
    expect(entries[0]!.requestBody).toBe('{"n":5,"k":"***"}');
    expect(entries[0]!.curl).toContain('"k":"***"');
    expect(JSON.stringify(entries)).not.toContain('hunter22');
  });
});

describe('serial queue', () => {
  it('runs different plugins at once and coalesces a key that is already waiting', async () => {
    const queue = new SerialQueue<string>();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 20));
      order.push(name);
      running -= 1;
      return name;
    };
    const first = queue.run('a', task('a1'));
    const second = queue.run('b', task('b1'));
    const third = queue.run('b', task('b2')); // b is still waiting: same attempt
    expect(third).toBe(second);
    expect(await Promise.all([first, second, third])).toEqual(['a1', 'b1', 'b1']);
    expect(order).toEqual(['a1', 'b1']);
    // Plugins do not wait for each other: a stuck one must not delay a healthy one.
    expect(maxRunning).toBe(2);
  });

  it('keeps attempts of one plugin in order, one at a time', async () => {
    const queue = new SerialQueue<string>();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 20));
      order.push(name);
      running -= 1;
      return name;
    };
    const first = queue.run('a', task('a1'));
    await new Promise((r) => setTimeout(r, 5)); // a1 is running: a new request queues a fresh attempt
    const second = queue.run('a', task('a2'));
    expect(await Promise.all([first, second])).toEqual(['a1', 'a2']);
    expect(order).toEqual(['a1', 'a2']);
    expect(maxRunning).toBe(1);
    await queue.idle();
  });

  it('idle() waits for every plugin, and a stuck one does not block the others', async () => {
    const queue = new SerialQueue<string>();
    let release: () => void = () => undefined;
    const stuck = queue.run('stuck', () => new Promise<string>((resolve) => (release = () => resolve('stuck'))));
    expect(await queue.run('healthy', async () => 'healthy')).toBe('healthy');
    let idle = false;
    void queue.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(idle).toBe(false);
    release();
    expect(await stuck).toBe('stuck');
    await queue.idle();
  });
});

describe('opening the browser', () => {
  it('only when asked, on a terminal, outside CI', async () => {
    const { shouldOpenBrowser } = await import('../../src/output/dev-terminal.js');
    expect(shouldOpenBrowser(memoryIo({ tty: true, env: {} }), true)).toBe(true);
    expect(shouldOpenBrowser(memoryIo({ tty: true, env: {} }), false)).toBe(false); // --no-open
    expect(shouldOpenBrowser(memoryIo({ tty: true, env: { CI: 'true' } }), true)).toBe(false);
    expect(shouldOpenBrowser(memoryIo({ tty: false, env: {} }), true)).toBe(false);
  });

  it('says so, with the URL to open by hand, when there is no opener (a server, SSH)', async () => {
    const { browserNotOpened, openBrowser } = await import('../../src/output/dev-terminal.js');
    const io = memoryIo({ tty: true, env: {} });
    const path = process.env.PATH;
    process.env.PATH = join(import.meta.dirname, 'no-such-folder');
    try {
      const said = new Promise<void>((resolve) => openBrowser('http://127.0.0.1:4477/#token=t', 'linux', (why) => (browserNotOpened(io, 'http://127.0.0.1:4477/#token=t')(why), resolve())));
      await said;
    } finally {
      process.env.PATH = path;
    }
    expect(io.stdout.text).toBe('Could not open a browser (xdg-open was not found); open http://127.0.0.1:4477/#token=t yourself.\n');
  });
});

describe('the missing-config message', () => {
  it('names the config file (and its section for a folder of plugins) and each variable', async () => {
    const { missingConfigMessage } = await import('../../src/core/dev/slot-config.js');
    expect(missingConfigMessage(['api_key', 'org_id'], 'secrets.yaml', undefined)).toBe(
      'Missing required config: api_key, org_id. Add them to secrets.yaml, or set LOOM_CONFIG_API_KEY, LOOM_CONFIG_ORG_ID and restart dev.',
    );
    expect(missingConfigMessage(['api_key'], 'secrets.yaml', 'acme')).toBe('Missing required config: api_key. Add it to secrets.yaml under acme:, or set LOOM_CONFIG_API_KEY and restart dev.');
  });
});
