// docs/protocol.md is the source of truth for plugin authors; keep its tables in step with
// the code so neither drifts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, CONFIG_FIELD_TYPES, ENDPOINTS, ERROR_TABLE } from '../../src/core/protocol.js';
import { SCHEMA_NAMES } from '../../src/core/schema-registry.js';

const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md', () => {
  it('has the error table row of every code with its status(es) and transient flag', () => {
    for (const [code, entry] of Object.entries(ERROR_TABLE)) {
      const statuses = entry.statuses.join(' or ');
      expect(doc, code).toContain(`| \`${code}\` | ${statuses} | ${entry.transient} |`);
    }
  });

  it('lists the six endpoints, every schema, capability and config field type', () => {
    for (const endpoint of ENDPOINTS) expect(doc).toContain(`| ${endpoint.method} | \`${endpoint.path}\` |`);
    for (const name of SCHEMA_NAMES) expect(doc).toContain(`| \`${name}\` |`);
    for (const capability of CAPABILITIES) expect(doc).toContain(capability);
    expect(doc).toContain(`\`${CONFIG_FIELD_TYPES.join('` \\| `')}\``);
  });

  it('has the section on the reference host and the editor schema line', () => {
    expect(doc).toMatch(/^## What the reference Loom host does differently$/m);
    expect(doc).toContain('# yaml-language-server: $schema=https://unpkg.com/loom-plugin/schemas/manifest.schema.json');
  });

  it('stands on its own: no pointers to the brief it was written from', () => {
    expect(doc).not.toMatch(/reference\/[a-z-]+\.md|development-guide\.md|host-facts\.md/);
  });
});
