/**
 * The placeholder values that come from the chosen provider API (templates/apis/<api>.json):
 * the manifest's config_schema and the README's config table, environment names and
 * error table are all written from the same field list, so they cannot disagree.
 */
import { jsonLiteral } from './render-template.js';
import type { ApiConfigField, ProviderApiSpec } from './provider-api.js';

export function envName(field: string): string {
  return `LOOM_CONFIG_${field.toUpperCase()}`;
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? jsonLiteral(value) : String(value);
}

/** The config_schema list as YAML lines, indented to sit under `  config_schema:`. */
export function configSchemaYaml(fields: readonly ApiConfigField[]): string {
  const lines: string[] = [];
  for (const field of fields) {
    lines.push(`    - name: ${field.name}`, `      type: ${field.type}`, `      required: ${String(field.required)}`);
    if (field.sensitive) lines.push('      sensitive: true');
    if (field.default !== undefined) lines.push(`      default: ${scalar(field.default)}`);
    lines.push(`      description: ${jsonLiteral(field.description)}`);
    const rules = Object.entries(field.validation ?? {});
    if (rules.length > 0) {
      lines.push('      validation:');
      for (const [key, value] of rules) lines.push(`        ${key}: ${scalar(value)}`);
    }
  }
  return lines.join('\n');
}

function typeCell(field: ApiConfigField): string {
  const parts: string[] = [field.type];
  if (field.validation?.pattern) parts.push(`\`${field.validation.pattern}\``);
  if (field.validation?.min !== undefined || field.validation?.max !== undefined) parts.push(`${field.validation.min ?? ''}-${field.validation.max ?? ''}`);
  if (field.sensitive) parts.push('sensitive');
  return parts.join(', ');
}

export function configTable(fields: readonly ApiConfigField[]): string {
  return fields
    .map((f) => `| \`${f.name}\` | ${typeCell(f)} | ${f.required ? 'yes' : 'no'} | ${f.default === undefined ? '' : String(f.default)} | \`${envName(f.name)}\` | ${f.description} |`)
    .join('\n');
}

/** `LOOM_CONFIG_API_KEY=... LOOM_CONFIG_ENDPOINT=https://...`: what a shell needs to run it. */
export function configExports(fields: readonly ApiConfigField[]): string {
  return fields.filter((f) => f.required).map((f) => `${envName(f.name)}=${f.example ?? '...'}`).join(' ');
}

export function dockerEnv(fields: readonly ApiConfigField[]): string {
  return fields.filter((f) => f.required).map((f) => `-e ${envName(f.name)}=...`).join(' ');
}

export function errorRows(spec: ProviderApiSpec): string {
  return spec.errors.map(([signal, code]) => `| ${signal} | \`${code}\` |`).join('\n');
}

export function apiTemplateValues(spec: ProviderApiSpec): Record<string, string> {
  return {
    provider_api: spec.api,
    provider_api_title: spec.title,
    example_model: spec.example_model,
    config_schema: configSchemaYaml(spec.config_schema),
    config_table: configTable(spec.config_schema),
    config_exports: configExports(spec.config_schema),
    docker_env: dockerEnv(spec.config_schema),
    error_rows: errorRows(spec),
  };
}
