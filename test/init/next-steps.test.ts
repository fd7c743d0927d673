import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installSteps, stepCommandLine } from '../../src/core/init/install.js';
import { nextSteps } from '../../src/core/init/next-steps.js';

const PYTHON_TEMPLATE = resolve(import.meta.dirname, '../../templates/python');
// Come with every virtual environment: nothing has to install them.
const VENV_MODULES = new Set(['pip', 'venv']);

/** Package names a requirements file installs, following its `-r other.txt` lines. */
function requirementNames(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((raw) => {
    const line = raw.replace(/#.*/, '').trim();
    const include = /^-r\s+(\S+)$/.exec(line);
    if (include) return requirementNames(join(dirname(file), include[1]!));
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
    return name ? [name.toLowerCase()] : [];
  });
}

/** Fails with the step that runs a module (`-m name`) no earlier step installed. */
function expectEachModuleInstalledFirst(commandLines: string[]): void {
  const installed = new Set<string>();
  for (const line of commandLines) {
    const pip = /-m pip install (.*)$/.exec(line);
    if (pip) {
      for (const [, file] of pip[1]!.matchAll(/-r\s+(\S+)/g)) for (const name of requirementNames(join(PYTHON_TEMPLATE, file!))) installed.add(name);
      continue;
    }
    const module = /-m\s+([\w.]+)/.exec(line)?.[1];
    if (module && !VENV_MODULES.has(module)) expect({ step: line, installed: installed.has(module) }).toEqual({ step: line, installed: true });
  }
}

const commands = (...args: Parameters<typeof nextSteps>) => nextSteps(...args).map((step) => step.command);
const TAIL = ['npx loom-plugin validate --strict', 'npx loom-plugin test', 'npx loom-plugin dev --mock-upstream'];

describe('nextSteps', () => {
  it.each([
    ['python', false, ['cd acme', 'python3 -m venv .venv', '.venv/bin/python -m pip install -r requirements-dev.txt', '.venv/bin/python -m pytest', '.venv/bin/python plugin.py']],
    ['python', true, ['cd acme', '.venv/bin/python -m pytest', '.venv/bin/python plugin.py']],
    ['node', false, ['cd acme', 'npm install', 'npm test', 'npm start']],
    ['node', true, ['cd acme', 'npm test', 'npm start']],
    ['go', false, ['cd acme', 'go build -o bin/plugin .', 'go test ./...', './bin/plugin']],
    ['go', true, ['cd acme', 'go test ./...', './bin/plugin']],
  ] as const)('%s (installed: %s)', (language, installed, head) => {
    expect(commands(language, { dir: 'acme', installed })).toEqual([...head, ...TAIL]);
  });

  it('quotes a folder with spaces and skips cd for the current folder', () => {
    expect(commands('node', { dir: 'my plugins/acme', installed: true })[0]).toBe('cd "my plugins/acme"');
    expect(commands('node', { dir: '.', installed: true })[0]).toBe('npm test');
  });

  it('python without --install: every module a step runs with -m is installed by an earlier step', () => {
    expectEachModuleInstalledFirst(commands('python', { dir: 'acme', installed: false }));
  });

  it('python with --install: the install steps install every module the next steps run', async () => {
    const install = (await installSteps(PYTHON_TEMPLATE, 'python')).map(stepCommandLine);
    expectEachModuleInstalledFirst([...install, ...commands('python', { dir: 'acme', installed: true })]);
  });
});
