import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runInit } from '../../src/commands/init.js';
import type { InitOptions } from '../../src/commands/options.js';
import type { PromptApi } from '../../src/output/init-prompt-flow.js';
import { memoryIo } from '../helpers/memory-io.js';
import { entries, FAKE_API, fakeTemplates, removeAll, tempDir } from './helpers.js';

type Events = Awaited<ReturnType<typeof render>>['events'];
type Step = (events: Events, screen: () => string) => Promise<void> | void;

const cleanup: string[] = [];
afterEach(() => removeAll(...cleanup.splice(0)));

/**
 * Waits until the prompt shows `text` (the name check is async: it looks at the disk), for
 * up to 5 s. A fixed number of short sleeps was not enough on a loaded CI machine.
 */
async function shows(screen: () => string, text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!screen().includes(text) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(screen()).toContain(text);
}

/**
 * Real @inquirer prompts rendered by @inquirer/testing, answered by keypresses. Each
 * question's message picks its script; an unexpected question fails the test.
 */
function scriptedPrompts(script: Record<string, Step>, asked: string[], screens: string[]): PromptApi {
  const drive = async <T>(prompt: (config: never) => Promise<T>, config: { message: string }): Promise<T> => {
    asked.push(config.message);
    const step = Object.entries(script).find(([key]) => config.message.startsWith(key))?.[1];
    if (!step) throw new Error(`unexpected question: ${config.message}`);
    const rendered = await render(prompt as never, config as never);
    await step(rendered.events, () => rendered.getScreen());
    screens.push(rendered.getScreen());
    return rendered.answer as Promise<T>;
  };
  return {
    input: (config) => drive(input as never, config),
    select: (config) => drive(select as never, config),
    checkbox: (config) => drive(checkbox as never, config),
    confirm: (config) => drive(confirm as never, config),
  };
}

function options(overrides: Partial<InitOptions> = {}): InitOptions {
  return {
    name: undefined, language: undefined, providerType: undefined, providerApi: undefined, description: undefined, author: undefined,
    license: undefined, streaming: undefined, functionCalling: undefined, vision: undefined, port: undefined,
    install: undefined, yes: false, force: false, directory: undefined, ...overrides,
  };
}

async function setup() {
  const templatesDir = await fakeTemplates();
  const cwd = await tempDir();
  cleanup.push(templatesDir, cwd);
  return { templatesDir, cwd, io: memoryIo({ cwd, tty: true, env: { PATH: process.env.PATH, GIT_AUTHOR_NAME: 'Grace' } }) };
}

describe('interactive init (keypresses into real prompts)', () => {
  it('asks every question, validates the name inline, and scaffolds the answers', async () => {
    const { templatesDir, cwd, io } = await setup();
    const asked: string[] = [];
    const screens: string[] = [];
    const prompts = scriptedPrompts({
      Language: (e) => {
        e.keypress('down'); // python -> node
        e.keypress('enter');
      },
      'Plugin name': async (e, screen) => {
        e.type('Bad Name');
        e.keypress('enter');
        await shows(screen, 'npm package names must be lower case');
        expect(screen()).toContain('Try "bad-name"');
        for (let i = 0; i < 'Bad Name'.length; i += 1) {
          e.keypress('backspace');
        }
        e.type('acme-ai');
        e.keypress('enter');
      },
      'Provider type': (e) => e.keypress('enter'), // default derived from the name
      Description: (e) => {
        e.type('Talks to "Acme"');
        e.keypress('enter');
      },
      Author: (e) => e.keypress('enter'),
      License: (e) => e.keypress('enter'),
      Capabilities: (e) => {
        e.keypress('space'); // streaming off
        e.keypress('down');
        e.keypress('space'); // function calling on
        e.keypress('enter');
      },
      'Install dependencies': (e) => {
        e.type('n');
        e.keypress('enter');
      },
    }, asked, screens);

    const code = await runInit(options(), io, { prompts, templatesDir });
    expect(io.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(asked.map((q) => q.split(' ')[0])).toEqual(['Language', 'Plugin', 'Provider', 'Description', 'Author', 'License', 'Capabilities', 'Install']);
    const manifest = await readFile(join(cwd, 'acme-ai', 'plugin.yaml'), 'utf8');
    expect(manifest).toContain('provider_type: "acme-ai"');
    expect(manifest).toContain('description: "Talks to \\"Acme\\""');
    expect(manifest).toContain('author: "Grace"');
    expect(manifest).toMatch(/streaming: false\n\s+function_calling: true\n\s+vision: false/);
    expect(io.stdout.text).toContain('npm install');
  });

  it('asks for the provider API when the language has several adapters, offering only what that adapter supports', async () => {
    const { templatesDir, cwd, io } = await setup();
    // A second API whose adapter has no vision: the capability question must not offer it.
    await writeFile(join(templatesDir, 'apis', 'ollama.json'), JSON.stringify({ ...FAKE_API, title: 'Ollama', supports: { ...FAKE_API.supports, vision: false } }));
    await mkdir(join(templatesDir, 'node', 'adapters', 'ollama'), { recursive: true });
    await writeFile(join(templatesDir, 'node', 'adapters', 'ollama', 'upstream.txt'), '{{provider_api}}');
    const asked: string[] = [];
    const screens: string[] = [];
    const prompts = scriptedPrompts({
      'Provider API': async (e, screen) => {
        await shows(screen, 'Ollama');
        e.keypress('down'); // openai -> ollama
        e.keypress('enter');
      },
      Capabilities: async (e, screen) => {
        expect(screen()).not.toContain('vision');
        e.keypress('enter');
      },
    }, asked, screens);
    const code = await runInit(options({ name: 'acme-ai', language: 'node', providerType: 'acme', description: 'd', author: 'a', license: 'MIT', install: false }), io, { prompts, templatesDir });
    expect(io.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(asked.map((q) => q.split(' ').slice(0, 2).join(' '))).toEqual(['Provider API', 'Capabilities']);
    expect(await readFile(join(cwd, 'acme-ai', 'upstream.txt'), 'utf8')).toBe('ollama');
  });

  it('asks only the name and language under --yes', async () => {
    const { templatesDir, cwd, io } = await setup();
    const asked: string[] = [];
    const prompts = scriptedPrompts({
      Language: (e) => e.keypress('enter'),
      'Plugin name': (e) => {
        e.type('quick');
        e.keypress('enter');
      },
    }, asked, []);
    expect(await runInit(options({ yes: true }), io, { prompts, templatesDir })).toBe(0);
    expect(asked).toHaveLength(2);
    expect(await entries(join(cwd, 'quick'))).toContain('plugin.yaml');
    expect(io.stdout.text).toContain('python3 -m venv .venv'); // python default, no install
  });

  it('Ctrl+C in a prompt is exit 130 (InterruptedError) and nothing is written', async () => {
    const { templatesDir, cwd, io } = await setup();
    const prompts = scriptedPrompts({
      Language: (e) => e.keypress('enter'),
      'Plugin name': (e) => {
        e.type('acme');
        e.keypress({ name: 'c', ctrl: true });
      },
    }, [], []);
    await expect(runInit(options(), io, { prompts, templatesDir })).rejects.toMatchObject({ code: 'E_INTERRUPTED', exitCode: 130 });
    expect(await entries(cwd)).toEqual([]);
  });

  it('a bad name given as a flag fails right after the language question (E_BAD_NAME)', async () => {
    const { templatesDir, cwd, io } = await setup();
    const asked: string[] = [];
    const prompts = scriptedPrompts({
      Language: (e) => {
        e.keypress('down');
        e.keypress('enter');
      },
    }, asked, []);
    await expect(runInit(options({ name: 'Bad Name' }), io, { prompts, templatesDir })).rejects.toMatchObject({
      code: 'E_BAD_NAME',
      hint: 'Try "bad-name".',
    });
    expect(asked).toEqual(['Language']);
    expect(await entries(cwd)).toEqual([]);
  });

  it('refuses an existing non-empty folder at the name question, before the other questions', async () => {
    const { templatesDir, cwd, io } = await setup();
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(cwd, 'taken'));
    await writeFile(join(cwd, 'taken', 'mine.txt'), 'x');
    const asked: string[] = [];
    const prompts = scriptedPrompts({
      Language: (e) => e.keypress('enter'),
      'Plugin name': async (e, screen) => {
        e.type('taken');
        e.keypress('enter');
        await shows(screen, 'already exists and is not empty');
        for (let i = 0; i < 'taken'.length; i += 1) e.keypress('backspace');
        e.type('fresh');
        e.keypress('enter');
      },
      'Provider type': (e) => e.keypress('enter'),
      Description: (e) => e.keypress('enter'),
      Author: (e) => e.keypress('enter'),
      License: (e) => e.keypress('enter'),
      Capabilities: (e) => e.keypress('enter'),
      'Install dependencies': (e) => {
        e.type('n');
        e.keypress('enter');
      },
    }, asked, []);
    expect(await runInit(options(), io, { prompts, templatesDir })).toBe(0);
    expect(await entries(cwd)).toEqual(['fresh', 'taken']);
    expect(await entries(join(cwd, 'taken'))).toEqual(['mine.txt']);
  });
});
