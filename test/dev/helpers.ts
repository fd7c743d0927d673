/** Shared helpers of the dev host tests: temp copies of fixture plugins and small HTTP calls. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevHost } from '../../src/core/dev/dev-host.js';
import { runCli } from '../helpers/memory-io.js';
import type { DevHost, DevHostOptions, StampedEvent } from '../../src/core/dev/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/dev/', import.meta.url));
export const SECRET = 'sk-dev-test-secret-4242';

/** Copies a fixture folder into a fresh temp folder (tests edit the copy). */
export async function copyFixture(name: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'loom-dev-test-'));
  const dir = join(root, name);
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return { dir, remove: () => rm(root, { recursive: true, force: true }) };
}

export interface TestHost {
  host: DevHost;
  events: StampedEvent[];
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; token?: string | null }): Promise<{ status: number; text: string; json: unknown; headers: Headers }>;
  waitFor(predicate: (event: StampedEvent) => boolean, timeoutMs?: number): Promise<StampedEvent>;
}

export async function startTestHost(options: Partial<DevHostOptions> & { path: string }): Promise<TestHost> {
  const events: StampedEvent[] = [];
  const waiters = new Set<() => void>();
  const host = await startDevHost({
    cwd: process.cwd(),
    env: { PATH: process.env.PATH, LOOM_CONFIG_API_KEY: SECRET },
    port: 0,
    debounceMs: 150,
    ...options,
    onEvent: (event) => {
      events.push(event);
      for (const wake of waiters) wake();
    },
  });
  const call: TestHost['call'] = async (method, path, callOptions = {}) => {
    const token = callOptions.token === undefined ? host.token : callOptions.token;
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...callOptions.headers };
    if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers,
      body: callOptions.body === undefined ? undefined : typeof callOptions.body === 'string' ? callOptions.body : JSON.stringify(callOptions.body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers };
  };
  const waitFor: TestHost['waitFor'] = (predicate, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      let seen = 0;
      const check = (): void => {
        for (; seen < events.length; seen++) {
          const event = events[seen]!;
          if (predicate(event)) {
            cleanup();
            resolve(event);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out waiting for an event; saw: ${events.map((e) => `${e.type}${'state' in e ? `:${e.state}` : ''}`).join(', ')}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { host, events, call, waitFor };
}

export { isAlive } from '../helpers/processes.js';

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('Condition not met in time.');
}

/** `dev` on the echo fixture with `flags` added, for a flag value it must refuse before it starts. */
export function devWithFlags(flags: string[]): ReturnType<typeof runCli> {
  return runCli(['dev', `${FIXTURES}echo`, '--no-open', '--no-watch', '--port', '0', ...flags]);
}
