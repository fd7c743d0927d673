/**
 * Where the package's own files are (package.json, schemas/, templates/, ui/, dist/).
 * This module sits two folders below the package root in every layout the code runs
 * from: src/core/ (a checkout, under the test runner), dist/core/ (the compiled modules
 * behind the programmatic API) and dist/bundle/ (the CLI bundle that bin/ runs). Every
 * path to a package file is built from here, so code moved between modules (as the
 * bundler does) cannot point one at the wrong folder.
 */
import { readFileSync } from 'node:fs';

export const PACKAGE_ROOT = new URL('../../', import.meta.url);

export interface OwnPackage {
  version: string;
  loomPlugin: { actionRepository: string };
}

let cached: OwnPackage | undefined;

/** The package's own package.json, read once. */
export function ownPackage(): OwnPackage {
  cached ??= JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as OwnPackage;
  return cached;
}

export function ownVersion(): string {
  return ownPackage().version;
}
