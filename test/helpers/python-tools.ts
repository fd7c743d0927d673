/**
 * Python tools the tests use (Schemathesis, openapi-spec-validator), installed from PyPI
 * into one virtualenv in the user's cache folder, pinned, and shared by every test file
 * and every run: the first caller builds it (under a lock folder, so parallel test files
 * wait instead of racing), later ones find it complete.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const PYTHON_TOOLS = ['schemathesis==4.32.5', 'openapi-spec-validator==0.9.0'];

function toolsDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const key = createHash('sha256').update(PYTHON_TOOLS.join('\n')).digest('hex').slice(0, 12);
  return join(cache, 'loom-plugin-tests', `py-tools-${key}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another test file is installing; a lock older than the install could take is stale.
      if (Date.now() - started > 300_000) await rm(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The venv's bin folder, with the pinned tools installed. */
export async function pythonToolsBin(): Promise<string> {
  const dir = toolsDir();
  const bin = join(dir, 'bin');
  const complete = join(dir, '.complete');
  if (existsSync(complete)) return bin;
  await mkdir(join(dir, '..'), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (existsSync(complete)) return bin;
    await rm(dir, { recursive: true, force: true });
    await execFileAsync('python3', ['-m', 'venv', dir]);
    await execFileAsync(join(bin, 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PYTHON_TOOLS], { maxBuffer: 16 * 1024 * 1024 });
    await writeFile(complete, `${PYTHON_TOOLS.join('\n')}\n`);
    return bin;
  });
}
