/**
 * The terminal prompt for missing config values, with real @inquirer prompts on streams:
 * a sensitive field is typed into a masked prompt and never echoed, a plain one is, and
 * Ctrl+C leaves the plugin waiting instead of failing the host.
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/core/manifest/types.js';
import type { CliIo, InStream, OutStream } from '../../src/output/io.js';
import { createConfigAsker } from '../../src/output/dev-config-prompt.js';

class Screen extends Writable {
  text = '';
  isTTY = true;
  columns = 100;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function terminal(): { io: CliIo; stdin: PassThrough; screen: Screen } {
  const stdin = new PassThrough();
  const screen = new Screen();
  // Like process.stdout, the screen outlives a prompt: each prompt ends its output pipe.
  screen.end = (() => screen) as typeof screen.end;
  const io: CliIo = {
    stdin: Object.assign(stdin, { isTTY: true }) as unknown as InStream,
    stdout: screen as unknown as OutStream,
    stderr: screen as unknown as OutStream,
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
  };
  return { io, stdin, screen };
}

const manifest = {
  metadata: {
    provider_type: 'acme',
    config_schema: [
      { name: 'api_key', type: 'string', required: true, sensitive: true, description: 'Acme key' },
      { name: 'endpoint', type: 'string', required: true },
    ],
  },
} as unknown as Manifest;

/** Types `text` and Enter once the prompt for `name` is on screen. */
async function answer(stdin: PassThrough, screen: Screen, name: string, text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!screen.text.includes(name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  stdin.write(`${text}\r`);
}

describe('dev config prompt', () => {
  it('asks each missing value, masks a sensitive one, and returns the answers', async () => {
    const { io, stdin, screen } = terminal();
    const asked = createConfigAsker(io)({ key: 'acme', providerType: 'acme', manifest, missing: ['api_key', 'endpoint'] });
    await answer(stdin, screen, 'api_key (Acme key)', 'sk-typed-secret');
    await answer(stdin, screen, 'endpoint', 'http://127.0.0.1:9');
    expect(await asked).toEqual({ api_key: 'sk-typed-secret', endpoint: 'http://127.0.0.1:9' });
    expect(screen.text).toContain('acme needs config values that were not found');
    expect(screen.text).toContain('*'.repeat('sk-typed-secret'.length));
    expect(screen.text).not.toContain('sk-typed-secret');
    // A plain value is echoed as typed (drawn between colour codes).
    expect(screen.text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')).toContain('http://127.0.0.1:9');
  });

  it('gives up on Ctrl+C and returns nothing, so the plugin keeps waiting', async () => {
    const { io, stdin, screen } = terminal();
    const asked = createConfigAsker(io)({ key: 'acme', providerType: 'acme', manifest, missing: ['endpoint'] });
    await answer(stdin, screen, 'endpoint', '\u0003');
    expect(await asked).toBeUndefined();
  });
});
