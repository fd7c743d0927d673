import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_NAMES, closestSchemaName, schemaFile } from '../../src/core/schema-registry.js';
import { runCli } from '../helpers/memory-io.js';

describe('loom-plugin schema', () => {
  it('prints the manifest schema by default, byte for byte, as parseable JSON', async () => {
    const { code, stdout, stderr } = await runCli(['schema']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(readFileSync(schemaFile('manifest'), 'utf8'));
    expect((JSON.parse(stdout) as { $id: string }).$id).toBe('https://unpkg.com/loom-plugin/schemas/manifest.schema.json');
  });

  it.each(SCHEMA_NAMES)('prints %s equal to its file', async (name) => {
    const { code, stdout } = await runCli(['schema', name]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(schemaFile(name), 'utf8')));
  });

  it('--list prints every name with its title, one per line, without colour when not a TTY', async () => {
    const { code, stdout } = await runCli(['schema', '--list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(SCHEMA_NAMES.length + 1);
    expect(stdout).toMatch(/^openapi\s+Loom HTTP plugin protocol \(OpenAPI 3\.1/m);
    expect(lines[0]).toMatch(/^manifest\s+\S/);
    expect(stdout).toMatch(/^error\s+Loom plugin error \(body of every non-200 answer\)$/m);
    expect(stdout).toMatch(/^models\s+Loom plugin models \(GET \/models response\)$/m);
    expect(stdout).not.toContain('\u001b[');
  });

  it('an unknown name is exit 2 with a did-you-mean and the list', async () => {
    const { code, stdout, stderr } = await runCli(['schema', 'helth']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('There is no schema called "helth".');
    expect(stderr).toContain('Did you mean "health"?');
    for (const name of SCHEMA_NAMES) expect(stderr).toContain(name);
  });

  it('an unrelated name gets the list but no suggestion', async () => {
    const { code, stderr } = await runCli(['schema', 'zzzzzzzz']);
    expect(code).toBe(2);
    expect(stderr).not.toContain('Did you mean');
    expect(stderr).toContain('Known schemas: manifest, metadata');
  });
});

describe('closestSchemaName', () => {
  it.each([
    ['helth', 'health'],
    ['modles', 'models'],
    ['Error', 'error'],
    ['chat_completion_chunk', 'chat-completion-chunk'],
    ['metadata.schema.json', 'metadata'],
    ['chat-completion-respone', 'chat-completion-response'],
    ['init', 'initialize-request'],
    ['response', 'chat-completion-response'],
  ])('%s -> %s', (input, expected) => {
    expect(closestSchemaName(input)).toBe(expected);
  });

  it.each(['chat', 'zzzzzzzz', 'x'])('no suggestion for %s', (input) => {
    expect(closestSchemaName(input)).toBeUndefined();
  });
});
