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

interface OwnPackage {
  version: string;
  loomPlugin: { actionRepository: string };
}

let cached: OwnPackage | undefined;
function ownPackage(): OwnPackage {
  cached ??= JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as OwnPackage;
  return cached;
}

export function cliVersion(): string {
  return ownPackage().version;
}

/**
 * `owner/name` of the GitHub repository that holds action.yml, as `uses:` names it. Set
 * in one place, package.json `loomPlugin.actionRepository` (the README says how to
 * point it at the real repository); the scaffolds' workflows are rendered from it.
 */
export function actionRepository(): string {
  return ownPackage().loomPlugin.actionRepository;
}
