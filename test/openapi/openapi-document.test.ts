// schemas/openapi.json: generated from the JSON Schemas (no drift), valid OpenAPI 3.1 for
// a maintained validator (openapi-spec-validator from PyPI), served by `schema openapi`.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, openApiText } from '../../src/core/openapi.js';
import { ERROR_TABLE } from '../../src/core/protocol.js';
import { loadSchema } from '../../src/core/schema-registry.js';
import { tempWorkspace } from '../e2e/helpers.js';
import { pythonToolsBin } from '../helpers/python-tools.js';
import { runCli } from '../helpers/memory-io.js';
import { OPENAPI_FILE } from './schemathesis.js';

const execFileAsync = promisify(execFile);

type Json = Record<string, any>;

describe('schemas/openapi.json', () => {
  it('is exactly what the generator builds from schemas/ (run `npm run schemas:openapi` after a schema change)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
  });

  it('describes the six endpoints with the wire schemas, refs rewritten to components', () => {
    const doc = buildOpenApiDocument() as Json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/chat/completions', '/cleanup', '/health', '/initialize', '/metadata', '/models']);
    const schemas = doc.components.schemas as Json;
    expect(schemas.Metadata.properties.config_schema.items).toEqual({ $ref: '#/components/schemas/MetadataConfigField' });
    expect(schemas.MetadataConfigField).toEqual((loadSchema('metadata') as Json).definitions.configField);
    expect(schemas.Health).toMatchObject({ required: (loadSchema('health') as Json).required });
    const text = JSON.stringify(doc);
    expect(text).not.toContain('#/definitions/');
    expect(text).not.toContain('"$schema"');
    for (const ref of text.match(/"#\/components\/[^"]+"/g) ?? []) {
      const [, , kind, name] = JSON.parse(ref).split('/');
      expect(doc.components[kind][name], ref).toBeDefined();
    }
  });

  it('every operation lists exactly the error table statuses, each fixing its code and transient flag', () => {
    const doc = buildOpenApiDocument() as Json;
    const expected = Object.values(ERROR_TABLE).flatMap((row) => row.statuses.map(String)).concat('200').sort();
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      for (const operation of Object.values(item as Json)) {
        expect(Object.keys(operation.responses).sort(), path).toEqual(expected);
      }
    }
    const timeout = doc.components.responses.Timeout.content['application/json'].schema.allOf[1];
    expect(timeout.properties).toEqual({ code: { const: 'timeout' }, transient: { const: true } });
    expect(doc.components.responses.RateLimitExceeded.headers['Retry-After']).toBeDefined();
  });

  it('is part of the programmatic API', async () => {
    const api = await import('../../src/index.js');
    expect(JSON.parse(api.openApiDocumentText())).toEqual(api.buildOpenApiDocument());
  });

  it('`loom-plugin schema openapi` prints the file byte for byte', async () => {
    const { code, stdout } = await runCli(['schema', 'openapi']);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });
});

describe('openapi-spec-validator', { timeout: 240_000 }, () => {
  let validator: string;
  let workspace: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    validator = join(await pythonToolsBin(), 'openapi-spec-validator');
    workspace = await tempWorkspace('loom-openapi-');
  }, 240_000);
  afterAll(() => workspace?.remove());

  it('accepts the document', async () => {
    const { stdout } = await execFileAsync(validator, [OPENAPI_FILE]);
    expect(stdout).toContain('OK');
  });

  it('rejects it once broken (a response without a description), so the check can fail', async () => {
    const doc = buildOpenApiDocument() as Json;
    delete doc.paths['/health'].get.responses['200'].description;
    const file = join(workspace.dir, 'broken.json');
    writeFileSync(file, JSON.stringify(doc));
    const failed = await execFileAsync(validator, [file]).then(() => undefined, (error: { code: number; stdout: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain('description');
  });
});
