/**
 * Typed options per command: what commander hands to `src/commands/<name>.ts`.
 * Kept apart from the commands so `cli.ts` can type its wiring without importing
 * (and so loading) any command module before it runs.
 */
import { INIT_LANGUAGES, PROVIDER_APIS, type InitLanguage, type ProviderApi } from '../core/init/types.js';

export { PROVIDER_APIS };
import { DIALECT_NAMES, type DialectName } from '../core/runtime/dialects/types.js';
import { TEST_PROFILES, type TestProfile } from '../core/conformance/types.js';

export { TEST_PROFILES, type TestProfile };

export type DiagnosticFormat = 'stylish' | 'json' | 'junit' | 'sarif' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['stylish', 'json', 'junit', 'sarif', 'github'];

export interface ValidateOptions {
  paths: string[];
  strict: boolean;
  quiet: boolean;
  /** Undefined means "choose": github under GITHUB_ACTIONS=true, else stylish. */
  format: DiagnosticFormat | undefined;
}

export interface SyncOptions {
  dir: string;
  check: boolean;
}

export interface SchemaOptions {
  name: string | undefined;
  list: boolean;
}

export type TestReporter = 'human' | 'json' | 'junit' | 'github';
export type UpstreamDialect = DialectName;
export const UPSTREAM_DIALECTS: readonly UpstreamDialect[] = DIALECT_NAMES;

export const TEST_REPORTERS: readonly TestReporter[] = ['human', 'json', 'junit', 'github'];

export interface TestOptions {
  dir: string;
  endpoint: string | undefined;
  startupTimeoutMs: number;
  timeoutMs: number;
  /** --timeout was given: /initialize gets it too, not the host's 30 s. */
  timeoutGiven?: boolean;
  list: boolean;
  only: string[];
  skip: string[];
  strict: boolean;
  /** Whose rules to enforce: the shipped host's (default) or the guide's. */
  profile: TestProfile;
  bail: boolean;
  /** false: every check in its catalogue place (the timeout check never waits in the background). */
  overlap?: boolean;
  expectedFailures: string | undefined;
  config: string | undefined;
  upstreamField: string;
  /** Pins the mock upstream's dialect; undefined: detected from the plugin's first request. */
  upstreamDialect: UpstreamDialect | undefined;
  /** false with --no-mock-upstream: the plugin keeps its configured upstream. */
  mockUpstream: boolean;
  reporters: TestReporter[];
  outputDir: string | undefined;
  /** Leave the plugin and the mock up after the report, until Ctrl+C (exit 130). */
  keepRunning?: boolean;
  /** false (--no-build): start the plugin without building it first. */
  build: boolean;
}

// The languages are the init core's; the command layer names them for its flags.
export type TemplateLanguage = InitLanguage;
export const TEMPLATE_LANGUAGES: readonly TemplateLanguage[] = INIT_LANGUAGES;

export interface InitOptions {
  name: string | undefined;
  language: TemplateLanguage | undefined;
  providerType: string | undefined;
  providerApi: ProviderApi | undefined;
  description: string | undefined;
  author: string | undefined;
  license: string | undefined;
  /** Undefined: not given on the command line (ask, or default under --yes). */
  streaming: boolean | undefined;
  functionCalling: boolean | undefined;
  vision: boolean | undefined;
  port: number | undefined;
  install: boolean | undefined;
  yes: boolean;
  force: boolean;
  /** Parent folder to create the plugin in (default: current directory). */
  directory: string | undefined;
}

export interface DevOptions {
  path: string;
  port: number;
  host: string;
  /** --allowed-host: host names requests may use besides IP addresses and localhost. */
  allowedHosts: string[];
  token: string | undefined;
  config: string | undefined;
  mockUpstream: boolean;
  upstreamField: string;
  open: boolean;
  watch: boolean;
  /** false (--no-build): start the plugin without building it first. */
  build: boolean;
}
