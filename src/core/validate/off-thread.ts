/**
 * Large manifests are checked on a worker thread. Checking is linear in the size of the
 * file, but a megabyte of YAML still takes the parser about a second, and on the calling
 * thread that second is a dev host that does not answer and a CLI that does not see
 * Ctrl+C. Small files (every real manifest) stay on the calling thread: a worker costs
 * tens of milliseconds to start.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InterruptedError } from '../errors.js';
import type { ManifestAnalysis } from './check-manifest.js';

/** Files at least this large go to a worker. */
export const OFF_THREAD_BYTES = 64 * 1024;

const WORKER_URL = new URL('./analyze-worker.js', import.meta.url);

/** The worker's analysis, its manifest parsed from JSON text on first read. */
function withLazyManifest(json: string, manifestJson: string | undefined): ManifestAnalysis {
  const analysis = JSON.parse(json) as ManifestAnalysis;
  let manifest: ManifestAnalysis['result']['manifest'];
  let parsed = manifestJson === undefined;
  Object.defineProperty(analysis.result, 'manifest', {
    get: () => {
      if (!parsed) [manifest, parsed] = [JSON.parse(manifestJson as string) as ManifestAnalysis['result']['manifest'], true];
      return manifest;
    },
    set: (value: ManifestAnalysis['result']['manifest']) => void ([manifest, parsed] = [value, true]),
    enumerable: true,
    configurable: true,
  });
  return analysis;
}

/**
 * The analysis from a worker thread, or undefined when no worker can run here (the
 * sources run untranspiled, e.g. under a test runner: the caller then checks in-thread).
 */
export async function analyzeOffThread(bytes: Uint8Array, file: string, options: { signal?: AbortSignal; keepManifest?: boolean } = {}): Promise<ManifestAnalysis | undefined> {
  const { signal, keepManifest = true } = options;
  if (!existsSync(fileURLToPath(WORKER_URL))) return undefined;
  // Loaded here: most runs never check a file this large.
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(WORKER_URL, { workerData: { bytes, file, keepManifest } });
  const onAbort: { listener?: () => void } = {};
  try {
    return await new Promise<ManifestAnalysis>((resolve, reject) => {
      onAbort.listener = (): void => reject(new InterruptedError());
      if (signal?.aborted) onAbort.listener();
      signal?.addEventListener('abort', onAbort.listener, { once: true });
      worker.once('message', (message: { analysis: string; manifest: string | undefined }) => resolve(withLazyManifest(message.analysis, message.manifest)));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The manifest worker exited with code ${code}.`)));
    });
  } finally {
    // Removed, or every large file of a run leaves one listener on the signal behind.
    if (onAbort.listener) signal?.removeEventListener('abort', onAbort.listener);
    void worker.terminate();
  }
}
