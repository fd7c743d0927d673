/**
 * What a run cannot check over HTTP but the user must know for the plugin to load in the
 * shipped Loom host. These are notes in the report, never check failures: the protocol
 * is right, the host is not (docs/protocol.md, "What the reference Loom host does
 * differently").
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export function hostNotes(manifestFile: string): string[] {
  const notes: string[] = [];
  const extension = extname(manifestFile).toLowerCase();
  if ((extension === '.yaml' || extension === '.yml') && !existsSync(join(dirname(manifestFile), 'plugin.json'))) {
    notes.push(
      `The shipped Loom host ignores snake_case keys in YAML manifests (a known host defect), so it skips ${basename(manifestFile)}. ` +
        'Until the host is fixed, put a plugin.json with the same content next to it; loom-plugin validate checks that the two stay identical.',
    );
  }
  return notes;
}
