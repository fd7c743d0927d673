import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkManifestFile, checkManifestText } from '../../src/core/validate/check-manifest.js';
import { RULES } from '../../src/core/validate/rule-catalogue.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

/** Each fixture breaks one rule of an otherwise clean manifest: exactly these findings. */
const EXPECTED: Record<string, string[]> = {
  'auto-start-disabled.yaml': ['auto-start/disabled 8:13'],
  'command-missing.yaml': ['command/missing 8:1'],
  'command-not-on-path.yaml': ['command/not-on-path 9:10'],
  'config-default-enum.yaml': ['config/default-out-of-range 11:16'],
  'config-default-out-of-range.yaml': ['config/default-out-of-range 11:16'],
  'config-default-pattern.yaml': ['config/default-out-of-range 11:16'],
  'config-default-type.yaml': ['config/default-type 11:16'],
  'config-duplicate-name.yaml': ['config/duplicate-name 11:13'],
  'config-enum-type.yaml': ['config/enum-type 12:22'],
  'config-invalid-pattern.yaml': ['config/invalid-pattern 12:18'],
  'config-min-max.yaml': ['config/min-max 12:14'],
  'config-pattern-timeout.yaml': ['config/pattern-timeout 11:16'],
  'config-sensitive-default.yaml': ['config/sensitive-default 12:16'],
  'config-unknown-type.yaml': ['config/unknown-type 10:13'],
  'config-validation-mismatch.yaml': ['config/validation-mismatch 12:9'],
  'endpoint-invalid-url.yaml': ['endpoint/invalid-url 2:11'],
  'endpoint-no-port.yaml': ['endpoint/no-port 2:11'],
  'endpoint-trailing-slash.yaml': ['endpoint/trailing-slash 2:11'],
  'env-unquoted-value.yaml': ['env/unquoted-value 12:9'],
  'file-bom.json': ['file/bom 1:1'],
  'json-tabs.json': [],
  'manifest-empty.yaml': ['manifest/empty 1:1'],
  'manifest-not-a-mapping.yaml': ['manifest/not-a-mapping 1:1'],
  'manifest-unknown-key.yaml': ['manifest/unknown-key 13:1'],
  'metadata-api-version-newer.yaml': ['metadata/api-version-newer 6:23'],
  'metadata-api-version.yaml': ['metadata/api-version 6:23'],
  'metadata-provider-type-slug.yaml': ['metadata/provider-type-slug 7:18'],
  'metadata-version-semver.yaml': ['metadata/version-semver 5:12'],
  'ports-mismatch-args.yaml': ['ports/mismatch 10:27'],
  'ports-mismatch.yaml': ['ports/mismatch 12:9'],
  'schema-enum.yaml': ['schema/enum 1:7'],
  'schema-range.yaml': ['schema/range 13:24'],
  'schema-required.yaml': ['schema/required 3:1'],
  'schema-type.yaml': ['schema/type 8:13'],
  'syntax-alias-limit.yaml': ['syntax/alias-limit 1:1'],
  'syntax-duplicate-key-json.json': ['syntax/duplicate-key 6:5'],
  'syntax-duplicate-key.yaml': ['syntax/duplicate-key 5:3'],
  'syntax-json-trailing-comma.json': ['syntax/json 17:3'],
  'syntax-json.json': ['syntax/json 11:21'],
  'syntax-tab-indent.yaml': ['syntax/yaml 12:1'],
  'syntax-unknown-tag.yaml': ['syntax/unknown-tag 4:9'],
  'syntax-yaml.yaml': ['syntax/yaml 4:14'],
  'type-not-loaded.yaml': ['type/not-loaded 1:7'],
};

/** Rules proven elsewhere (generated input): test/validate/hostile-input.test.ts, validate-paths.test.ts, schema-findings.test.ts. */
const PROVEN_ELSEWHERE = new Set(['file/unreadable', 'file/too-large', 'file/encoding', 'syntax/too-deep', 'syntax/too-complex' /* parse-budget.test.ts */, 'syntax/yaml-warning', 'schema/invalid', 'provider-type/duplicate', 'provider-type/twin-mismatch' /* json-twin.test.ts */, 'file/skipped' /* skipped-entries.test.ts */, 'manifest/yaml-only' /* yaml-only.test.ts */]);

describe('rule fixtures', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name} -> ${expected.join(', ') || 'clean'}`, async () => {
      const result = await checkManifestFile(`${FIXTURES}rules/${name}`);
      expect(result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(expected);
      for (const d of result.diagnostics) {
        const rule = RULES.find((r) => r.id === d.rule);
        expect(rule, d.rule).toBeDefined();
        expect(d.severity).toBe(rule?.severity);
        expect(d.message.length).toBeGreaterThan(10);
        expect(d.hint, `${d.rule} has a hint`).toBeTruthy();
      }
      const hasError = result.diagnostics.some((d) => d.severity === 'error');
      expect(result.manifest === undefined).toBe(hasError);
    });
  }

  it('every rule in the catalogue is triggered by a fixture or a generated test', () => {
    const covered = new Set(Object.values(EXPECTED).flat().map((entry) => entry.split(' ')[0]));
    const missing = RULES.map((r) => r.id).filter((id) => !covered.has(id) && !PROVEN_ELSEWHERE.has(id));
    expect(missing).toEqual([]);
  });

  it('rule ids are unique and well-formed', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z-]+\/[a-z-]+$/);
  });
});

describe('valid manifests', () => {
  for (const file of ['valid/guide-complete/plugin.yaml', 'valid/minimal-json/plugin.json', 'valid/quoted-all/plugin.yaml']) {
    it(`${file} has no findings and yields plain data`, async () => {
      const result = await checkManifestFile(`${FIXTURES}${file}`);
      expect(result.diagnostics).toEqual([]);
      expect(result.manifest).toBeDefined();
      expect(result.manifest?.type).toBe('http');
      expect(result.dir).toBe(`${FIXTURES}${file}`.replace(/\/[^/]+$/, ''));
      // Plain data only: survives a JSON round trip unchanged, prototypes are Object/Array.
      expect(JSON.parse(JSON.stringify(result.manifest))).toEqual(result.manifest);
      expect(Object.getPrototypeOf(result.manifest)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(result.manifest?.metadata)).toBe(Object.prototype);
    });
  }

  it('the guide example keeps its config defaults and typed values', async () => {
    const result = await checkManifestFile(`${FIXTURES}valid/guide-complete/plugin.yaml`);
    const fields = result.manifest?.metadata.config_schema ?? [];
    expect(fields.map((f) => f.name)).toEqual(['api_key', 'endpoint', 'timeout']);
    expect(fields[2]?.default).toBe(30);
    expect(result.manifest?.args).toEqual(['plugin.py', '--port', '8090']);
  });
});

describe('findings', () => {
  it('reports several problems of one file, all of them, in file order', async () => {
    const text = await readFile(`${FIXTURES}rules/config-default-type.yaml`, 'utf8');
    const broken = text.replace('type: http', 'type: htp').replace('auto_start: true', 'auto_start: false').concat('helth_check_interval: 5\n');
    const result = await checkManifestText(broken, 'plugin.yaml');
    const lines = result.diagnostics.map((d) => d.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['schema/enum', 'config/default-type', 'auto-start/disabled', 'manifest/unknown-key']);
  });

  it('gives the same diagnostics for the same text twice', async () => {
    const text = await readFile(`${FIXTURES}rules/config-sensitive-default.yaml`, 'utf8');
    const first = await checkManifestText(text, 'plugin.yaml');
    const second = await checkManifestText(text, 'plugin.yaml');
    expect(second).toEqual(first);
  });

  it('never puts a sensitive default in a message or hint', async () => {
    const result = await checkManifestFile(`${FIXTURES}rules/config-sensitive-default.yaml`);
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['config/sensitive-default']);
    expect(JSON.stringify(result.diagnostics)).not.toContain('TOPSECRET');
  });

  it('never echoes a secret-looking default even when it is also of the wrong type or out of range', async () => {
    const text = `type: http\nendpoint: http://127.0.0.1:8090\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n  config_schema:\n    - {name: token, type: int, default: "tok-SECRET-9"}\n    - {name: pw, type: string, default: "pw-SECRET-7", validation: {max_length: 3, pattern: "^x$", enum: [a]}}\nenv:\n  API_KEY: 123456789\n`;
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['config/default-type', 'config/default-out-of-range', 'config/default-out-of-range', 'config/default-out-of-range', 'env/unquoted-value']);
    const all = JSON.stringify(result.diagnostics);
    expect(all).not.toContain('SECRET');
    expect(all).not.toContain('123456789');
  });

  it('suggests the contract names for config field types', async () => {
    const base = await readFile(`${FIXTURES}rules/config-unknown-type.yaml`, 'utf8');
    for (const [given, wanted] of [['integer', 'int'], ['number', 'float'], ['boolean', 'bool'], ['str', 'string'], ['strng', 'string']]) {
      const result = await checkManifestText(base.replace('type: integer', `type: ${given}`), 'plugin.yaml');
      expect(result.diagnostics[0]?.message).toContain(`did you mean "${wanted}"`);
    }
  });

  it('suggests keys inside config fields and validation blocks too', async () => {
    const base = await readFile(`${FIXTURES}rules/config-min-max.yaml`, 'utf8');
    const result = await checkManifestText(base.replace('      type: int\n', '      type: int\n      requried: true\n').replace('max: 1', 'maxx: 1'), 'plugin.yaml');
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(['manifest/unknown-key 11:7', 'manifest/unknown-key 14:9']);
    expect(result.diagnostics[0]?.message).toContain('did you mean "required"?');
    expect(result.diagnostics[1]?.message).toContain('did you mean "max"?');
  });

  it('says a quoted-looking number needs quotes (version: 1.0 in YAML)', async () => {
    const result = await checkManifestText('type: http\nendpoint: http://127.0.0.1:1\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0\n  plugin_api_version: 1.0\n  provider_type: a\n', 'plugin.yml');
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(['schema/type 7:12', 'schema/type 8:23']);
    expect(result.diagnostics[0]?.hint).toMatch(/Quote it/);
  });

  it('requires endpoint for http and grpc but not builtin', async () => {
    const text = 'type: TYPE\nauto_start: true\ncommand: x\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\n';
    const http = await checkManifestText(text.replace('TYPE', 'http'), 'plugin.yaml');
    expect(http.diagnostics.map((d) => d.rule)).toEqual(['schema/required']);
    expect(http.diagnostics[0]?.message).toContain('"endpoint"');
    const builtin = await checkManifestText(text.replace('TYPE', 'builtin'), 'plugin.yaml');
    expect(builtin.diagnostics.map((d) => d.rule)).toEqual(['type/not-loaded']);
  });

  it('warns when auto_start is missing, and points ports at the args item', async () => {
    const text = 'type: http\nendpoint: https://plugin.example:443\nmetadata:\n  name: a\n  version: 1.0.0\n  plugin_api_version: "1.0.0"\n  provider_type: a\nargs: ["--port=8443"]\n';
    const result = await checkManifestText(text, 'plugin.yaml');
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}:${d.column}`)).toEqual(['auto-start/disabled 1:1', 'ports/mismatch 8:8']);
    expect(result.diagnostics[1]?.message).toContain('8443');
    expect(result.diagnostics[1]?.message).toContain('443');
    expect(result.manifest).toBeDefined();
  });
});
