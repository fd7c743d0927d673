/**
 * Protocol constants from docs/protocol.md, as data the code shares: endpoints, error
 * codes with their HTTP status and transient flag, capability names. The schemas in
 * schemas/ carry the message shapes; this file carries the tables.
 */

export const PLUGIN_API_VERSION = '1.0.0';
/** How long the shipped host waits for one call to a plugin (connect, headers and body). */
export const HOST_CALL_TIMEOUT_MS = 30_000;
/** Highest plugin_api_version minor this CLI knows; a higher minor is a warning. */
export const KNOWN_API_MAJOR = 1;
export const KNOWN_API_MINOR = 0;

export const ENDPOINTS = [
  { method: 'GET', path: '/metadata' },
  { method: 'POST', path: '/initialize' },
  { method: 'GET', path: '/health' },
  { method: 'POST', path: '/chat/completions' },
  { method: 'GET', path: '/models' },
  { method: 'POST', path: '/cleanup' },
] as const;

export const ERROR_TABLE = {
  invalid_request: { statuses: [400], transient: false },
  authentication_failed: { statuses: [401], transient: false },
  quota_exceeded: { statuses: [402], transient: false },
  model_not_found: { statuses: [404], transient: false },
  content_filter: { statuses: [422], transient: false },
  rate_limit_exceeded: { statuses: [429], transient: true },
  internal_error: { statuses: [500], transient: false },
  provider_unavailable: { statuses: [502, 503], transient: true },
  timeout: { statuses: [504], transient: true },
} as const satisfies Record<string, { statuses: readonly number[]; transient: boolean }>;
export type PluginErrorCode = keyof typeof ERROR_TABLE;
export const ERROR_CODES = Object.keys(ERROR_TABLE) as PluginErrorCode[];

export const CAPABILITIES = ['streaming', 'function_calling', 'vision', 'embeddings', 'fine_tuning'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const CONFIG_FIELD_TYPES = ['string', 'int', 'float', 'bool'] as const;
export type ConfigFieldType = (typeof CONFIG_FIELD_TYPES)[number];

export const MANIFEST_FILE_NAMES = ['plugin.yaml', 'plugin.yml', 'plugin.json'] as const;

/** Environment variable that supplies a config value: LOOM_CONFIG_<NAME>, upper-cased. */
export function configEnvName(field: string): string {
  return `LOOM_CONFIG_${field.toUpperCase()}`;
}
