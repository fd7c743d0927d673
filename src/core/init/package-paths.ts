/**
 * Where the package's own files are. This module sits at the same depth in src/ and in
 * dist/ (src/core/init, dist/core/init), so `../../../` is the package root both when
 * running from a checkout and when installed from the npm tarball (which ships
 * `templates/` beside `dist/`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = new URL('../../../', import.meta.url);

export function defaultTemplatesDir(): string {
  return fileURLToPath(new URL('templates/', PACKAGE_ROOT)).replace(/[\\/]$/, '');
}

let cachedVersion: string | undefined;
export function cliVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string };
    cachedVersion = pkg.version;
  }
  return cachedVersion;
}
