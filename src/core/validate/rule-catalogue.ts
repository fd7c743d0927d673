/**
 * Every finding `validate` can report, with its stable id, default severity and a
 * one-line summary. docs/cli-validate.md carries the same table; a test keeps the two
 * in step. Ids are public (CI baselines, SARIF): add new ones, never rename.
 */

export interface RuleInfo {
  id: string;
  severity: 'error' | 'warning';
  summary: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'file/unreadable', severity: 'error', summary: 'The manifest cannot be read (missing permission, a folder with a manifest name, ...).' },
  { id: 'file/skipped', severity: 'warning', summary: 'Met while searching and passed over, as the host would: a folder that cannot be read, or a FIFO, socket or device with a manifest name.' },
  { id: 'file/too-large', severity: 'error', summary: 'The file is over 1 MiB; it is not read (a manifest is a few hundred bytes).' },
  { id: 'file/encoding', severity: 'error', summary: 'The file is not valid UTF-8; the position of the first bad byte is given.' },
  { id: 'file/bom', severity: 'warning', summary: 'A plugin.json starts with a byte order mark, which the reference host\'s JSON decoder rejects (accepted in YAML): a required check of the same id in `loom-plugin test`.' },
  { id: 'syntax/yaml', severity: 'error', summary: 'YAML syntax error (bad indentation, tabs, unclosed quotes, several documents, an alias with no anchor before it, ...).' },
  { id: 'syntax/json', severity: 'error', summary: 'JSON syntax error (trailing commas, comments, single quotes, unquoted keys, ...).' },
  { id: 'syntax/duplicate-key', severity: 'error', summary: 'A key appears twice in the same mapping.' },
  { id: 'syntax/unknown-tag', severity: 'warning', summary: 'A YAML tag such as `!foo` or `!!binary` is not understood; the value is read as a string.' },
  { id: 'syntax/yaml-warning', severity: 'warning', summary: 'Another YAML construct that is legal but probably not what was meant.' },
  { id: 'syntax/alias-limit', severity: 'error', summary: 'YAML anchors and aliases expand too much: an anchor used over 100 times (a "billion laughs" document), an alias inside the value its anchor names (a cycle), or aliases adding over 100,000 values in all.' },
  { id: 'syntax/too-deep', severity: 'error', summary: 'Values nest deeper than a manifest ever needs (over 100 levels).' },
  { id: 'syntax/too-complex', severity: 'error', summary: 'A large manifest in YAML that is read slowly (seconds per megabyte), such as after a `%YAML 1.1` line or with `? ` keys: at most 16,384 characters of it are read; over that, refused before parsing, like too-deep nesting. Plain YAML whose findings cannot be placed without that slow reading (a comment indented deeper than the line before it) gets 65,536.' },
  { id: 'manifest/empty', severity: 'error', summary: 'The file holds no manifest (empty, or only comments).' },
  { id: 'manifest/not-a-mapping', severity: 'error', summary: 'The top level is not a mapping of keys to values.' },
  { id: 'manifest/yaml-only', severity: 'warning', summary: 'A YAML manifest has no `plugin.json` beside it; the shipped host reads snake_case keys only from JSON and skips it (`loom-plugin sync` writes the twin). Same id in `loom-plugin test`.' },
  { id: 'manifest/unknown-key', severity: 'warning', summary: 'A key the contract does not know (usually a typo); a did-you-mean is given. The host ignores it.' },
  { id: 'schema/required', severity: 'error', summary: 'A required key is missing (`type`, `metadata`, `metadata.name`, `version`, `provider_type`, `plugin_api_version`; `endpoint` for http and grpc; a config field\'s `name` and `type`).' },
  { id: 'schema/type', severity: 'error', summary: 'A value has the wrong type (e.g. `auto_start: "yes"`, `version: 1.0` read as a number, a number in `args`).' },
  { id: 'schema/enum', severity: 'error', summary: 'A value is not one of the allowed ones (`type` must be http, grpc or builtin).' },
  { id: 'schema/range', severity: 'error', summary: 'A number or length is out of range (`health_check_interval` must be at least 1, names non-empty, ...).' },
  { id: 'schema/invalid', severity: 'error', summary: 'Any other schema violation.' },
  { id: 'metadata/version-semver', severity: 'error', summary: '`metadata.version` is not a semantic version such as `1.2.0`.' },
  { id: 'metadata/provider-type-slug', severity: 'error', summary: '`metadata.provider_type` is not a lowercase slug (`^[a-z0-9][a-z0-9_-]{0,63}$`).' },
  { id: 'metadata/api-version', severity: 'error', summary: '`metadata.plugin_api_version` is not a semantic version with major version 1.' },
  { id: 'metadata/api-version-newer', severity: 'warning', summary: '`metadata.plugin_api_version` has a higher minor version than this CLI knows; newer features are not checked.' },
  { id: 'endpoint/invalid-url', severity: 'error', summary: '`endpoint` is not an http:// or https:// URL with a host.' },
  { id: 'endpoint/no-port', severity: 'warning', summary: '`endpoint` has no explicit port (80/443 is implied); write the port the plugin listens on.' },
  { id: 'endpoint/trailing-slash', severity: 'warning', summary: '`endpoint` ends with `/`; the host joins paths as strings and would call `//metadata`.' },
  { id: 'ports/mismatch', severity: 'warning', summary: 'The endpoint port differs from `env.PORT` or a `--port` in `args`.' },
  { id: 'env/unquoted-value', severity: 'warning', summary: 'An `env` value is a bare number or boolean (e.g. `PORT: 8090`); quote it so every reader sees a string (`loom-plugin sync` does). The shipped host cannot decode such a `plugin.json` and skips it: a required check of the same id in `loom-plugin test`.' },
  { id: 'type/not-loaded', severity: 'warning', summary: '`type` is grpc or builtin; the current Loom host loads only http plugins.' },
  { id: 'auto-start/disabled', severity: 'warning', summary: '`auto_start` is false or missing; the host loads only manifests with `auto_start: true`.' },
  { id: 'command/missing', severity: 'warning', summary: '`auto_start` is true but there is no `command`; nothing will start the plugin process.' },
  { id: 'command/not-on-path', severity: 'warning', summary: '`command` is a bare name such as `run.sh` that is a file in the plugin folder but not on PATH: a bare name is looked up on PATH only, so `test` and `dev` (which start the plugin without a shell, from its folder) would not find it; write `./run.sh`. The shipped host starts no processes, hence a warning. Same advice as `command-not-on-path` at start-up.' },
  { id: 'config/unknown-type', severity: 'error', summary: 'A config field\'s `type` is not string, int, float or bool (did-you-mean for integer, number, boolean, str, ...).' },
  { id: 'config/duplicate-name', severity: 'error', summary: 'Two config fields have the same `name`.' },
  { id: 'config/default-type', severity: 'error', summary: 'A config field\'s `default` is not of its declared type.' },
  { id: 'config/default-out-of-range', severity: 'error', summary: 'A config field\'s `default` breaks its own `validation` (min/max, lengths, pattern, enum).' },
  { id: 'config/min-max', severity: 'error', summary: '`validation.min` is greater than `max`, or `min_length` greater than `max_length`.' },
  { id: 'config/invalid-pattern', severity: 'error', summary: '`validation.pattern` does not compile as a JavaScript regular expression.' },
  { id: 'config/pattern-timeout', severity: 'warning', summary: 'Matching the default against `validation.pattern` took too long (catastrophic backtracking), or the manifest\'s 250 ms for pattern checks was spent; not checked.' },
  { id: 'config/enum-type', severity: 'error', summary: 'A `validation.enum` value is not of the field\'s type.' },
  { id: 'config/validation-mismatch', severity: 'warning', summary: 'A `validation` key does not apply to the field\'s type (e.g. `min_length` on an int) and is ignored.' },
  { id: 'config/sensitive-default', severity: 'error', summary: 'A `sensitive` field carries a non-empty `default` (a secret in the manifest). The value is never printed.' },
  { id: 'provider-type/duplicate', severity: 'error', summary: 'Two manifests among the validated paths share a `provider_type`; the host refuses the second.' },
  { id: 'provider-type/twin-mismatch', severity: 'error', summary: 'A `plugin.json` and a `plugin.yaml` in one folder (the workaround for the shipped host\'s YAML defect) describe the same `provider_type` but differ.' },
];

const byId = new Map(RULES.map((rule) => [rule.id, rule]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}
