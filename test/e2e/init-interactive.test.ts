/**
 * The interactive path through the real binary in a pseudo-terminal (driven by Python's
 * pty module): real stdin in raw mode, arrow keys, Enter, and Ctrl+C (\x03) inside a
 * prompt. Proves the @inquirer/prompts wiring to the process streams, which the
 * in-process prompt tests replace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT, run, tempWorkspace } from './helpers.js';

function hasPythonPty(): boolean {
  try {
    execFileSync('python3', ['-c', 'import pty'], { stdio: 'ignore' });
    return process.platform !== 'win32';
  } catch {
    return false;
  }
}

const DRIVER = join(ROOT, 'test', 'e2e', 'pty-driver.py');
const ENTER = '\r';
const DOWN = '\u001b[B';

async function drive(cwd: string, args: string[], steps: [string, string][]): Promise<{ code: number | string; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1' };
  delete env.CI; // a terminal in CI is still "CI": canPrompt would refuse
  delete env.GITHUB_ACTIONS;
  const result = await run('python3', [DRIVER, JSON.stringify([process.execPath, BIN, ...args]), JSON.stringify(steps)], { cwd, env, timeoutMs: 90_000 });
  if (result.code !== 0) throw new Error(`pty driver failed:\n${result.output}`);
  return JSON.parse(result.output) as { code: number | string; output: string };
}

describe.skipIf(!hasPythonPty())('init in a real terminal', { timeout: 120_000 }, () => {
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    assertBuilt();
    workspace = await tempWorkspace('loom-e2e-pty-');
  });
  afterAll(() => workspace?.remove());

  it('answers every question with keys and scaffolds the result', async () => {
    const cwd = join(workspace.dir, 'answers');
    await import('node:fs/promises').then((fs) => fs.mkdir(cwd));
    const result = await drive(cwd, ['init'], [
      ['Language', `${DOWN}${ENTER}`], // node
      ['Plugin name', `pty-plugin${ENTER}`],
      ['Provider API', `${DOWN}${ENTER}`], // the second choice: Azure OpenAI
      ['Provider type', `pty${ENTER}`],
      ['Description', ENTER],
      ['Author', `Ada${ENTER}`],
      ['License', ENTER],
      ['Capabilities', `${DOWN} ${ENTER}`], // + function calling
      ['Install dependencies', `n${ENTER}`],
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Created pty-plugin (node');
    expect(result.output).toContain('npm install');
    const manifest = await readFile(join(cwd, 'pty-plugin', 'plugin.yaml'), 'utf8');
    expect(manifest).toContain('provider_type: "pty"');
    expect(manifest).toContain('author: "Ada"');
    // The chosen provider API's adapter is the one scaffolded.
    expect(await readFile(join(cwd, 'pty-plugin', 'src', 'wire.js'), 'utf8')).toMatch(/Azure OpenAI/);
    expect(manifest).toMatch(/streaming: true\s+function_calling: true\s+vision: false/);
  });

  it('Ctrl+C inside a prompt exits 130 and writes nothing', async () => {
    const cwd = join(workspace.dir, 'ctrl-c');
    await import('node:fs/promises').then((fs) => fs.mkdir(cwd));
    const result = await drive(cwd, ['init'], [
      ['Language', ENTER],
      ['Plugin name', 'half-typed\u0003'],
    ]);
    expect(result.code, result.output).toBe(130);
    expect(existsSync(join(cwd, 'half-typed'))).toBe(false);
    expect(await readdir(cwd)).toEqual([]);
  });
});
