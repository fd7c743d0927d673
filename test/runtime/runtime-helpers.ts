import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Manifest } from '../../src/core/manifest/types.js';

export const HOSTILE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/hostile');

/** Reads a hostile fixture's manifest (plain YAML parse: these fixtures are known good). */
export function hostile(name: string): { manifest: Manifest; manifestDir: string } {
  const manifestDir = path.join(HOSTILE_DIR, name);
  const manifest = parse(readFileSync(path.join(manifestDir, 'plugin.yaml'), 'utf8')) as Manifest;
  return { manifest, manifestDir };
}

export { isAlive, waitGone } from '../helpers/processes.js';

export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  return res.json();
}
