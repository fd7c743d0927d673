/** Where the package's own templates are, and what its package.json says (paths: package-root.ts). */
import { fileURLToPath } from 'node:url';
import { ownPackage, PACKAGE_ROOT } from '../package-root.js';

export function defaultTemplatesDir(): string {
  return fileURLToPath(new URL('templates/', PACKAGE_ROOT)).replace(/[\\/]$/, '');
}

/**
 * `owner/name` of the GitHub repository that holds action.yml, as `uses:` names it. Set
 * in one place, package.json `loomPlugin.actionRepository` (the README says how to
 * point it at the real repository); the scaffolds' workflows are rendered from it.
 */
export function actionRepository(): string {
  return ownPackage().loomPlugin.actionRepository;
}
