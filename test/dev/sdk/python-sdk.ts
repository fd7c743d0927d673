/**
 * The official openai Python SDK for the SDK tests: a venv with requirements.txt installed
 * from PyPI on first use, kept in os.tmpdir() keyed by the file's hash, so reruns neither
 * reinstall nor touch the network. The venv is built at its final path (venvs are not
 * relocatable) and marked complete only once pip succeeded.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../templates/toolchains.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const CLIENT_SCRIPT = join(HERE, 'openai-client.py');

/** The venv's python, with the openai package installed. */
export async function pythonWithOpenAi(): Promise<string> {
  const requirements = join(HERE, 'requirements.txt');
  const hash = createHash('sha256').update(await readFile(requirements)).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'loom-plugin-sdk-cache', `python-${hash}`);
  const python = join(root, 'venv', 'bin', 'python');
  if (existsSync(join(root, '.complete'))) return python;
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const create = await run('python3', ['-m', 'venv', join(root, 'venv')], { cwd: root, timeoutMs: 120_000 });
  if (create.code !== 0) throw new Error(`python3 -m venv failed:\n${create.output}`);
  const install = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], { cwd: root, timeoutMs: 300_000 });
  if (install.code !== 0) throw new Error(`pip install openai failed:\n${install.output}`);
  await writeFile(join(root, '.complete'), '');
  return python;
}
