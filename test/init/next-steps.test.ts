import { describe, expect, it } from 'vitest';
import { nextSteps } from '../../src/core/init/next-steps.js';

const commands = (...args: Parameters<typeof nextSteps>) => nextSteps(...args).map((step) => step.command);
const TAIL = ['npx loom-plugin validate --strict', 'npx loom-plugin test', 'npx loom-plugin dev --mock-upstream'];

describe('nextSteps', () => {
  it.each([
    ['python', false, ['cd acme', 'python3 -m venv .venv', '.venv/bin/python -m pip install -r requirements.txt', '.venv/bin/python -m pytest', '.venv/bin/python plugin.py']],
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
});
