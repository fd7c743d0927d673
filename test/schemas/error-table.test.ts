import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TABLE } from '../../src/core/protocol.js';
import { checkAgainstSchema, schemaFile } from '../../src/core/schema-registry.js';

const schema = JSON.parse(readFileSync(schemaFile('error'), 'utf8')) as {
  description: string;
  properties: { code: { enum: string[] } };
};

describe('ERROR_TABLE and error.schema.json agree', () => {
  it('the schema enum lists exactly the nine codes of ERROR_TABLE, in the same order', () => {
    expect(ERROR_CODES).toHaveLength(9);
    expect(schema.properties.code.enum).toEqual(ERROR_CODES);
  });

  it("the schema's description states each code's status(es)", () => {
    for (const [code, entry] of Object.entries(ERROR_TABLE)) {
      const statuses = entry.statuses.join('/');
      expect(schema.description, code).toContain(`${code} ${statuses}`);
    }
  });

  it('transient codes are exactly rate_limit_exceeded, provider_unavailable and timeout', () => {
    const transient = Object.entries(ERROR_TABLE).filter(([, entry]) => entry.transient).map(([code]) => code);
    expect(transient.sort()).toEqual(['provider_unavailable', 'rate_limit_exceeded', 'timeout']);
    // and the schema description groups them the same way
    const transientPart = schema.description.slice(schema.description.indexOf('(not transient)'));
    for (const code of transient) expect(transientPart).toContain(code);
  });

  it.each(ERROR_CODES)('accepts a %s body with its transient flag', async (code) => {
    const body = { code, message: `a ${code} happened`, transient: ERROR_TABLE[code].transient };
    expect((await checkAgainstSchema('error', body)).errors).toEqual([]);
  });

  it('rejects a code that is not in the table', async () => {
    const result = await checkAgainstSchema('error', { code: 'overloaded', message: 'x', transient: true });
    expect(result.valid).toBe(false);
    expect(result.errors[0]?.keyword).toBe('enum');
  });
});
