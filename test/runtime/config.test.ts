import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigField, Manifest } from '../../src/core/manifest/types.js';
import { configToEnv, maskSecrets, resolveConfig } from '../../src/core/runtime/config.js';
import { generateValue } from '../../src/core/runtime/config-values.js';
import { samplePattern } from '../../src/core/runtime/pattern-sample.js';

const dir = mkdtempSync(path.join(tmpdir(), 'loom-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifest(fields: ConfigField[]): Manifest {
  return { type: 'http', endpoint: 'http://127.0.0.1:1', metadata: { name: 'p', version: '1.0.0', provider_type: 'p', config_schema: fields } };
}

const fields: ConfigField[] = [
  { name: 'api_key', type: 'string', required: true, sensitive: true },
  { name: 'endpoint', type: 'string', required: true },
  { name: 'timeout', type: 'int', default: 30, validation: { min: 1, max: 300 } },
  { name: 'temperature', type: 'float' },
  { name: 'verbose', type: 'bool', default: false },
];

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('resolveConfig', () => {
  it('applies precedence overrides > file > env > default > generated', async () => {
    const configFile = file('prec.yaml', 'endpoint: http://from-file\ntimeout: 60\n');
    const config = await resolveConfig(manifest(fields), {
      configFile,
      env: { LOOM_CONFIG_ENDPOINT: 'http://from-env', LOOM_CONFIG_TIMEOUT: '90', LOOM_CONFIG_API_KEY: 'sk-env-secret' },
      overrides: { endpoint: 'http://override' },
      generate: true,
    });
    expect(config.values).toMatchObject({ endpoint: 'http://override', timeout: 60, api_key: 'sk-env-secret', verbose: false });
    expect(config.sources).toMatchObject({ endpoint: 'override', timeout: 'file', api_key: 'env', verbose: 'default', temperature: 'generated' });
    expect(config.secrets).toEqual(['sk-env-secret']);
    expect(config.missingRequired).toEqual([]);
  });

  it('reads JSON files too', async () => {
    const configFile = file('c.json', JSON.stringify({ api_key: 'sk-json', timeout: 5 }));
    const config = await resolveConfig(manifest(fields), { configFile, env: {}, generate: false });
    expect(config.values).toMatchObject({ api_key: 'sk-json', timeout: 5 });
  });

  it('without generate, lists missing required fields and leaves them out', async () => {
    const config = await resolveConfig(manifest(fields), { env: {}, generate: false });
    expect(config.missingRequired).toEqual(['api_key', 'endpoint']);
    expect(config.values).toEqual({ timeout: 30, verbose: false });
  });

  it('coerces env strings to the field type', async () => {
    const config = await resolveConfig(manifest(fields), {
      env: { LOOM_CONFIG_TIMEOUT: ' 12 ', LOOM_CONFIG_TEMPERATURE: '0.25', LOOM_CONFIG_VERBOSE: 'yes' },
      generate: false,
    });
    expect(config.values).toMatchObject({ timeout: 12, temperature: 0.25, verbose: true });
  });

  it.each([
    ['LOOM_CONFIG_TIMEOUT', '1.5'],
    ['LOOM_CONFIG_TEMPERATURE', 'hot'],
    ['LOOM_CONFIG_VERBOSE', 'maybe'],
  ])('rejects a bad %s=%s with E_CONFIG naming the variable', async (name, value) => {
    const error = await resolveConfig(manifest(fields), { env: { [name]: value }, generate: true }).catch((e) => e);
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain(name);
  });

  it('rejects unknown keys in the file with a did-you-mean', async () => {
    const configFile = file('typo.yaml', 'timout: 10\n');
    const error = await resolveConfig(manifest(fields), { configFile, env: {} }).catch((e) => e);
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('timout');
    expect(error.hint).toContain('"timeout"');
  });

  it('rejects unreadable and invalid files with the file and reason', async () => {
    const missing = path.join(dir, 'nope.yaml');
    const unreadable = await resolveConfig(manifest(fields), { configFile: missing, env: {} }).catch((e) => e);
    expect(unreadable.code).toBe('E_CONFIG');
    expect(unreadable.message).toContain(missing);
    expect(unreadable.message).toContain('ENOENT');
    const badJson = await resolveConfig(manifest(fields), { configFile: file('bad.json', '{"a":'), env: {} }).catch((e) => e);
    expect(badJson.code).toBe('E_CONFIG');
    expect(badJson.message).toContain('not valid JSON');
    const badYaml = await resolveConfig(manifest(fields), { configFile: file('bad.yaml', 'a: [1,\n'), env: {} }).catch((e) => e);
    expect(badYaml.message).toContain('not valid YAML');
    // In words, not only yaml's code, and with no excerpt of a file that holds keys.
    const unclosed = await resolveConfig(manifest(fields), { configFile: file('unclosed.yaml', 'api_key: "sk-half-secret\n'), env: {} }).catch((e) => e);
    expect(unclosed.message).toMatch(/YAML error MISSING_CHAR, a closing quote or bracket is missing \(line \d+, column \d+\)/);
    expect(unclosed.hint).toContain('Fix the file at that line');
    expect(`${unclosed.message} ${unclosed.hint}`).not.toContain('sk-half-secret');
    const list = await resolveConfig(manifest(fields), { configFile: file('list.yaml', '- 1\n'), env: {} }).catch((e) => e);
    expect(list.message).toContain('must hold an object');
    const wrongType = await resolveConfig(manifest(fields), { configFile: file('wt.yaml', 'timeout: soon\n'), env: {} }).catch((e) => e);
    expect(wrongType.code).toBe('E_CONFIG');
    expect(wrongType.message).toContain('timeout');
  });

  it('generates values of the right type inside their validation', async () => {
    const config = await resolveConfig(
      manifest([
        { name: 'api_key', type: 'string', required: true, sensitive: true },
        { name: 'retries', type: 'int', validation: { min: 5, max: 9 } },
        { name: 'ratio', type: 'float', validation: { min: 2.5, max: 3 } },
        { name: 'region', type: 'string', validation: { enum: ['eu-west', 'us-east'] } },
        { name: 'code', type: 'string', validation: { pattern: '^[0-9]+$', min_length: 3 } },
        { name: 'flag', type: 'bool' },
      ]),
      { env: {}, generate: true },
    );
    expect(config.values.api_key).toMatch(/^sk-loom-test-/);
    expect(config.values).toMatchObject({ retries: 5, ratio: 2.5, region: 'eu-west', flag: false });
    expect(String(config.values.code)).toMatch(/^[0-9]{3,}$/);
    expect(config.secrets).toEqual([config.values.api_key]);
  });

  it('treats credential-like names as secrets even without sensitive: true', async () => {
    const config = await resolveConfig(manifest([{ name: 'auth_token', type: 'string' }, { name: 'max_tokens', type: 'int' }]), {
      env: { LOOM_CONFIG_AUTH_TOKEN: 'tok-123456' },
      generate: true,
    });
    expect(config.secrets).toEqual(['tok-123456']);
  });
});

describe('config errors never quote a secret', () => {
  const KEY = 'sk-wrong-type-SECRET-5150';
  const sensitive: ConfigField[] = [
    { name: 'api_key', type: 'string', required: true, sensitive: true },
    { name: 'pin', type: 'int', sensitive: true },
    { name: 'passphrase_hint', type: 'string' },
  ];
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['a list where the key should be (YAML file)', () => resolveConfig(manifest(sensitive), { configFile: file('list-key.yaml', `api_key: [${KEY}]\n`), env: {} })],
    ['a mapping where the key should be (JSON file)', () => resolveConfig(manifest(sensitive), { configFile: file('map-key.json', JSON.stringify({ api_key: { v: KEY } })), env: {} })],
    ['a sensitive pin that is not an integer (file)', () => resolveConfig(manifest(sensitive), { configFile: file('pin.yaml', `pin: ${KEY}\n`), env: {} })],
    ['a sensitive pin that is not an integer (env)', () => resolveConfig(manifest(sensitive), { env: { LOOM_CONFIG_PIN: KEY } })],
    ['a wrong-typed override', () => resolveConfig(manifest(sensitive), { env: {}, overrides: { api_key: [KEY] } })],
    ['a JSON syntax error right after the key', () => resolveConfig(manifest(sensitive), { configFile: file('syntax.json', `{"api_key": "${KEY}" "pin": 1}`), env: {} })],
    ['a JSON syntax error inside the key', () => resolveConfig(manifest(sensitive), { configFile: file('syntax2.json', `{"api_key": "${KEY}\u0001"}`), env: {} })],
    ['a YAML syntax error next to the key', () => resolveConfig(manifest(sensitive), { configFile: file('syntax.yaml', `api_key: "${KEY}\npin: [1,\n`), env: {} })],
  ];
  it.each(cases)('%s: E_CONFIG with the field or position, not the value', async (_name, run) => {
    const error = (await run().catch((e: unknown) => e)) as { code: string; message: string; hint?: string; details?: unknown };
    expect(error.code).toBe('E_CONFIG');
    expect(JSON.stringify({ message: error.message, hint: error.hint, details: error.details })).not.toContain('SECRET-5150');
    expect(error.message).toMatch(/api_key|LOOM_CONFIG_PIN|pin|line \d+, column \d+/);
  });

  it('still quotes a wrong value of a field that is not sensitive (it helps)', async () => {
    const error = (await resolveConfig(manifest(fields), { env: { LOOM_CONFIG_TIMEOUT: 'soon' } }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('got "soon"');
  });
});

describe('fields named like Object.prototype members', () => {
  const odd: ConfigField[] = [
    { name: '__proto__', type: 'string', required: true },
    { name: 'constructor', type: 'int', required: true },
    { name: 'toString', type: 'string', default: 'plain' },
  ];
  it('are ordinary names in a file, in env and in overrides', async () => {
    const fromFile = await resolveConfig(manifest(odd), { configFile: file('proto.yaml', '__proto__: from-file\nconstructor: 7\n'), env: {} });
    expect(JSON.stringify(fromFile.values)).toBe('{"__proto__":"from-file","constructor":7,"toString":"plain"}');
    expect(fromFile.missingRequired).toEqual([]);
    const fromJson = await resolveConfig(manifest(odd), { configFile: file('proto.json', '{"__proto__": "j", "constructor": 8}'), env: {} });
    expect(JSON.stringify(fromJson.values)).toBe('{"__proto__":"j","constructor":8,"toString":"plain"}');
    const fromEnv = await resolveConfig(manifest(odd), { env: { LOOM_CONFIG___PROTO__: 'e', LOOM_CONFIG_CONSTRUCTOR: '9' } });
    expect(JSON.stringify(fromEnv.values)).toBe('{"__proto__":"e","constructor":9,"toString":"plain"}');
    const missing = await resolveConfig(manifest(odd), { env: {}, overrides: {} });
    expect(missing.missingRequired).toEqual(['__proto__', 'constructor']);
  });
});

describe('booleans are never secrets', () => {
  it('a bool field named like a key (use_api_key: true) is not collected for masking', async () => {
    const config = await resolveConfig(manifest([{ name: 'use_api_key', type: 'bool', default: true }, { name: 'api_key', type: 'string', sensitive: true }, { name: 'pin', type: 'int', sensitive: true, default: 12 }]), {
      env: { LOOM_CONFIG_API_KEY: 'sk-real-123456' },
    });
    expect(config.values.use_api_key).toBe(true);
    expect(config.secrets.sort()).toEqual(['12', 'sk-real-123456']);
  });
});

describe('generateValue (property)', () => {
  it('ints stay inside min/max', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('timeout', 'n', 'port', 'retries'), (min, span, name) => {
        const value = generateValue({ name, type: 'int', validation: { min, max: min + span } });
        return Number.isInteger(value) && (value as number) >= min && (value as number) <= min + span;
      }),
    );
  });
  it('strings respect length bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom('api_key', 'endpoint', 'name'), (a, b, name) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const value = String(generateValue({ name, type: 'string', validation: { min_length: min, max_length: max } }));
        return value.length >= min && value.length <= max;
      }),
    );
  });
});

describe('maskSecrets and configToEnv', () => {
  it('masks every occurrence, also JSON-escaped and URL-encoded forms', () => {
    const secret = 'sk-"quoted"/x';
    const text = `key=${secret} json=${JSON.stringify({ k: secret })} url=?k=${encodeURIComponent(secret)}`;
    const masked = maskSecrets(text, [secret]);
    expect(masked).toBe('key=*** json={"k":"***"} url=?k=***');
    expect(maskSecrets('nothing here', [])).toBe('nothing here');
  });
  it('turns values into LOOM_CONFIG_ variables', () => {
    expect(configToEnv({ api_key: 'k', timeout: 5, verbose: true })).toEqual({
      LOOM_CONFIG_API_KEY: 'k',
      LOOM_CONFIG_TIMEOUT: '5',
      LOOM_CONFIG_VERBOSE: 'true',
    });
  });
});

describe('samplePattern', () => {
  it.each([
    ['^[0-9]+$', 3],
    ['^sk-[A-Za-z0-9]{20,}$', 0],
    ['^(https?)://[a-z.]+(:\\d{2,5})?$', 0],
    ['^[A-Z]{2}-\\d{4}$', 0],
    ['^(?:eu|us)-(west|east)-\\d$', 0],
    ['^[^\\s]{8,16}$', 10],
  ])('samples %s (min length %i)', (pattern, min) => {
    const sample = samplePattern(pattern, min);
    expect(sample).toBeDefined();
    expect(new RegExp(pattern).test(sample as string)).toBe(true);
    expect((sample as string).length).toBeGreaterThanOrEqual(min);
  });
});
