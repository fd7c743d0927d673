/**
 * Which build, if any, must run before a plugin starts, so that what runs is the source
 * on disk. Declared: the manifest's `build` key (loom-plugin's own; the Loom host ignores
 * keys it does not know). Implicit: a Go module whose `command` is a file inside the
 * plugin folder is built with `go build -o <command> .`, which is what the Go template
 * and most hand-written Go plugins do by hand.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Manifest } from '../manifest/types.js';

export interface BuildPlan {
  /** `declared` (manifest `build`) or `go` (found without any declaration). */
  kind: 'declared' | 'go';
  command: string;
  args: string[];
  /** Folder it runs in: the manifest's folder. */
  dir: string;
  /** The file the plugin starts from (its `command`) when it lies inside `dir`. */
  output: string | undefined;
  /** Which files count as sources when telling a stale output: undefined = every file. */
  sourcePattern: RegExp | undefined;
}

/** Go sources, plus the manifests a plugin may `//go:embed` (the Go template embeds plugin.json). */
const GO_SOURCES = /(\.go|^go\.mod|^go\.sum|^go\.work|^plugin\.(json|ya?ml))$/;

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

/** `command` as a path inside `dir`, or undefined for a program found on PATH. */
export function commandPath(manifest: Manifest, dir: string): string | undefined {
  const command = manifest.command;
  if (!command || !(command.includes('/') || command.includes('\\'))) return undefined;
  const path = resolve(dir, command);
  const rel = relative(dir, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : path;
}

export async function resolveBuildPlan(manifest: Manifest, dir: string): Promise<BuildPlan | undefined> {
  const output = commandPath(manifest, dir);
  if (manifest.build) {
    return { kind: 'declared', command: manifest.build.command, args: manifest.build.args ?? [], dir, output, sourcePattern: undefined };
  }
  if (!output || !(await isFile(join(dir, 'go.mod')))) return undefined;
  const target = relative(dir, output).split(sep).join('/');
  return { kind: 'go', command: 'go', args: ['build', '-o', target, '.'], dir, output, sourcePattern: GO_SOURCES };
}

/** The plan as one line a user can copy (`go build -o bin/plugin .`). */
export function describeBuild(plan: Pick<BuildPlan, 'command' | 'args'>): string {
  return [plan.command, ...plan.args].map((part) => (/^[\w./:=@+-]+$/.test(part) ? part : JSON.stringify(part))).join(' ');
}
