/**
 * The manifest as the code sees it after parsing and validation. Only shapes that passed
 * schema validation are typed as `Manifest`; raw parser output is `unknown`.
 */
import type { ConfigFieldType } from '../protocol.js';

export interface FieldValidation {
  min?: number;
  max?: number;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  enum?: unknown[];
}

export interface ConfigField {
  name: string;
  type: ConfigFieldType;
  required?: boolean;
  description?: string;
  default?: unknown;
  sensitive?: boolean;
  validation?: FieldValidation;
}

export interface ManifestMetadata {
  name: string;
  version: string;
  plugin_api_version?: string;
  provider_type: string;
  description?: string;
  author?: string;
  homepage?: string;
  license?: string;
  capabilities?: Partial<Record<string, boolean>>;
  custom_capabilities?: Record<string, boolean>;
  config_schema?: ConfigField[];
}

export interface Manifest {
  type: 'http' | 'grpc' | 'builtin';
  endpoint?: string;
  metadata: ManifestMetadata;
  auto_start?: boolean;
  health_check_interval?: number;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** loom-plugin's own key (the Loom host ignores it): how to build before each start. */
  build?: BuildSpec;
}

export interface BuildSpec {
  command: string;
  args?: string[];
}

/**
 * A change that is safe to make without asking (`loom-plugin sync` applies it): rename a
 * key the schema does not know to the one it almost certainly meant, set a value, or
 * quote a bare value as it is written (`PORT: 8090` -> `PORT: "8090"`).
 * `path` is the data path of the key or value, e.g. ['metadata', 'versoin'].
 */
export type ManifestFix =
  | { kind: 'rename-key'; path: Array<string | number>; to: string }
  | { kind: 'set'; path: Array<string | number>; value: string | number | boolean }
  | { kind: 'quote'; path: Array<string | number> };

/** One finding of `validate`, located in the source file. Lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: 'error' | 'warning';
  /** Stable rule id, e.g. `schema/required`, `config/unknown-type`. Documented; never renamed. */
  rule: string;
  message: string;
  hint?: string;
  /** Set when the finding has a safe automatic fix (see ManifestFix). */
  fix?: ManifestFix;
  /** For findings from the JSON Schema: the schema keyword behind it (`type`, `enum`, ...). */
  keyword?: string;
}

/** A manifest file read and checked. `manifest` is set when it has no errors. */
export interface ManifestFileResult {
  file: string;
  /** Folder holding the manifest: the plugin's working directory. */
  dir: string;
  manifest: Manifest | undefined;
  diagnostics: Diagnostic[];
}
