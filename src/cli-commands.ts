/**
 * The commander definition of each command: arguments, options with their parsers and
 * help, and how the parsed values become the command's typed options. Loaded eagerly by
 * cli.ts (commander and these declarations only; the commands themselves load lazily).
 */
import { Option, type Command } from './cli-commander.js';
import { collectChoices, collectList, collectPatterns, parseBaseUrl, parseChoice, parseListenAddress, parseDuration, parsePort } from './cli-parse.js';
import {
  DIAGNOSTIC_FORMATS,
  PROVIDER_APIS,
  TEMPLATE_LANGUAGES,
  TEST_REPORTERS,
  UPSTREAM_DIALECTS,
  TEST_PROFILES,
  type InitOptions,
  type TestOptions,
  type ValidateOptions,
} from './commands/options.js';
import type { ParsedCommand } from './cli.js';

/** Receives the command the user chose, with its typed options. */
export type Select = (parsed: ParsedCommand) => void;

/** Plugins exist for providers the list does not name: say how to start one anyway. */
const UNLISTED_API_HINT =
  'For a provider API not listed, scaffold with --provider-api openai and replace the upstream module (docs/templates.md); test it with --no-mock-upstream against a fake of that provider (docs/cli-test.md).';

export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** `validate [paths...]`: manifests against the schema and the contract rules. */
export function addValidateCommand(program: Command, select: Select): void {
  program
    .command('validate')
    .description('check plugin manifests against the schema and the contract rules')
    .argument('[paths...]', 'manifest files or folders to search (default: current folder)')
    .option('--strict', 'treat warnings as failures (exit 1)', false)
    .option('-q, --quiet', 'hide warnings', false)
    .addOption(
      new Option('-f, --format <format>', 'output format (default: github under GitHub Actions, else stylish)')
        .choices([...DIAGNOSTIC_FORMATS]),
    )
    .addHelpText('after', examples([
      'loom-plugin validate',
      'loom-plugin validate plugins/ --strict',
      'loom-plugin validate plugin.yaml --format json',
      'loom-plugin validate --format sarif > loom.sarif',
    ]) + '\nExit codes: 0 clean (warnings allowed), 1 errors (or warnings with --strict), 2 usage.\n')
    .action((paths: string[], opts: { strict: boolean; quiet: boolean; format?: ValidateOptions['format'] }) => {
      select({ command: 'validate', options: { paths, strict: opts.strict, quiet: opts.quiet, format: opts.format } });
    });
}

/** `sync [dir]`: plugin.json from plugin.yaml, with the safe fixes. */
export function addSyncCommand(program: Command, select: Select): void {
  program
    .command('sync')
    .description('write plugin.json from plugin.yaml, applying the safe fixes validate suggests')
    .argument('[dir]', 'plugin folder (or its plugin.yaml)', '.')
    .option('--check', 'write nothing; exit 1 when something would change (for CI)', false)
    .addHelpText('after', examples([
      'loom-plugin sync',
      'loom-plugin sync ./my-plugin',
      'loom-plugin sync --check',
    ]) + '\nWhy plugin.json: the shipped Loom host ignores the snake_case keys of plugin.yaml (provider_type, config_schema, ...), so it needs plugin.json; you edit plugin.yaml and sync keeps plugin.json in step.\n'
      + 'Safe fixes: did-you-mean renames of unknown keys, a missing auto_start, a trailing "/" on endpoint.\n'
      + 'Exit codes: 0 in step (or written), 1 changes needed under --check or errors left, 2 usage.\n')
    .action((dir: string, opts: { check: boolean }) => {
      select({ command: 'sync', options: { dir, check: opts.check } });
    });
}

/** `schema [name]`: print a JSON Schema (or the OpenAPI document). */
export function addSchemaCommand(program: Command, select: Select): void {
  program
    .command('schema')
    .description('print a JSON Schema of the contract (for editors and other tools)')
    .argument('[name]', 'schema name, e.g. manifest, metadata, error, or openapi for the OpenAPI 3.1 document (default: manifest)')
    .option('-l, --list', 'list the schema names', false)
    .addHelpText('after', examples([
      'loom-plugin schema > plugin.schema.json',
      'loom-plugin schema chat-completion-response',
      'loom-plugin schema --list',
      'loom-plugin schema openapi > loom-plugin.openapi.json',
    ]))
    .action((name: string | undefined, opts: { list: boolean }) => {
      select({ command: 'schema', options: { name, list: opts.list } });
    });
}

/** `test [dir]`: start the plugin and run the conformance suite. */
export function addTestCommand(program: Command, select: Select): void {
  program
    .command('test')
    .description('start the plugin from its manifest and run the conformance suite')
    .argument('[dir]', 'plugin folder (or manifest file)', '.')
    .option('--endpoint <url>', 'attach to an already running plugin (http:// or https:// base URL) instead of starting one', parseBaseUrl('--endpoint'))
    // A bare number is seconds: `--timeout 5` meaning 5 ms failed every check.
    .addOption(new Option('--startup-timeout <duration>', 'how long to wait for /health: 500ms, 30s, 2m, at most 24 hours (1440m); a bare number is seconds')
      .argParser(parseDuration('--startup-timeout', 's')).default(30_000, '30s'))
    .addOption(new Option('--timeout <duration>', 'per-request timeout: 500ms, 5s, 2m, at most 24 hours (1440m); POST /initialize waits the host\'s 30s unless this is given; a bare number is seconds')
      .argParser(parseDuration('--timeout', 's')).default(10_000, '10s'))
    .option('--list', 'print the check catalogue and exit', false)
    .option('--only <ids>', 'run only these check ids or globs (repeatable, comma-separated)', collectPatterns('--only'))
    .option('--skip <ids>', 'skip these check ids or globs (repeatable, comma-separated)', collectPatterns('--skip'))
    .option('--strict', 'fail on recommended checks and manifest warnings too', false)
    .option('--profile <name>', 'whose rules to enforce: loom-host (what the shipped Loom host accepts) or guide (the plugin development guide\'s contract; the host\'s own rules become notes)', parseChoice('--profile', TEST_PROFILES), 'loom-host')
    .option('--bail', 'stop at the first failed required check', false)
    .option('--no-overlap', 'run every check one after another, in catalogue order: the upstream-timeout check never waits alongside the others (slower; the same verdicts except for the rare plugin described in docs/cli-test.md)')
    .option('--expected-failures <file>', 'YAML list of check ids that are known to fail')
    .option('--config <file>', 'JSON or YAML file with /initialize values')
    .option('--upstream-field <name>', 'config field that receives the mock upstream URL', 'endpoint')
    .option('--no-mock-upstream', 'start no mock upstream: the plugin keeps the upstream its config names (checks that script the mock are skipped)')
    .option('--upstream-dialect <name>', `provider dialect the mock upstream speaks: ${UPSTREAM_DIALECTS.join(', ')} (default: detected from the plugin's first request)`, parseChoice('--upstream-dialect', UPSTREAM_DIALECTS))
    .option('-r, --reporter <names>', `reporters: ${TEST_REPORTERS.join(', ')} (repeatable)`, collectChoices('--reporter', TEST_REPORTERS))
    .option('--output-dir <dir>', 'write each reporter to a file in this folder')
    .option('--keep-running', 'after the report, keep the plugin and the mock upstream up for the printed curl lines, until Ctrl+C (exit 130)', false)
    .option('--no-build', 'start the plugin as it is, without its build step (Go, or the manifest\'s `build`)')
    .addHelpText('after', examples([
      'loom-plugin test',
      'loom-plugin test ./my-plugin --strict',
      'loom-plugin test --profile guide',
      'loom-plugin test --only "errors.*" --timeout 5s',
      'loom-plugin test --endpoint http://127.0.0.1:8090',
      'loom-plugin test --reporter junit --output-dir reports/',
      'loom-plugin test --list',
      'loom-plugin test --only errors.rate-limit --keep-running',
    ]) + '\nExit codes: 0 all required checks pass, 1 failures, 2 usage, 3 plugin could not start.\n')
    .action((dir: string, opts: Record<string, unknown>, command: Command) => {
      select({
        command: 'test',
        options: {
          dir,
          endpoint: opts.endpoint as string | undefined,
          startupTimeoutMs: opts.startupTimeout as number,
          timeoutMs: opts.timeout as number,
          timeoutGiven: command.getOptionValueSource('timeout') !== 'default',
          list: opts.list as boolean,
          only: (opts.only as string[] | undefined) ?? [],
          skip: (opts.skip as string[] | undefined) ?? [],
          strict: opts.strict as boolean,
          profile: opts.profile as TestOptions['profile'],
          bail: opts.bail as boolean,
          ...(opts.overlap === false ? { overlap: false } : {}),
          expectedFailures: opts.expectedFailures as string | undefined,
          config: opts.config as string | undefined,
          upstreamField: opts.upstreamField as string,
          upstreamDialect: opts.upstreamDialect as TestOptions['upstreamDialect'],
          mockUpstream: opts.mockUpstream !== false,
          // Empty means "not given": the command picks human (+ github under GitHub Actions).
          reporters: (opts.reporter as TestOptions['reporters'] | undefined) ?? [],
          outputDir: opts.outputDir as string | undefined,
          keepRunning: opts.keepRunning as boolean,
          build: opts.build as boolean,
        },
      });
    });
}

/** `init [name]`: scaffold a plugin; every prompt has a flag here. */
export function addInitCommand(program: Command, select: Select): void {
  program
    .command('init')
    .description('scaffold a runnable Python, Node or Go plugin')
    .argument('[name]', 'plugin name; also the folder created')
    .option('--language <language>', `template language: ${TEMPLATE_LANGUAGES.join(', ')}`, parseChoice('--language', TEMPLATE_LANGUAGES))
    .option('--provider-type <slug>', 'provider_type (default: derived from the name)')
    .option('--provider-api <api>', `API the plugin's upstream speaks: ${PROVIDER_APIS.join(', ')} (default: openai, any OpenAI-compatible server)`, parseChoice('--provider-api', PROVIDER_APIS, UNLISTED_API_HINT))
    .option('--description <text>', 'one-line description')
    .option('--author <name>', 'author')
    .option('--license <spdx>', 'license identifier (default: MIT)')
    .option('--streaming', 'declare streaming support (default)')
    .option('--no-streaming', 'do not declare streaming support')
    .option('--function-calling', 'declare function calling support')
    .option('--vision', 'declare vision (image input) support')
    .option('--port <port>', 'port the plugin listens on (default: 8090)', parsePort('--port'))
    .option('--install', 'install dependencies after scaffolding')
    .option('--no-install', 'do not install dependencies')
    .option('-y, --yes', 'accept defaults for everything not given as a flag', false)
    .option('--force', 'write into an existing non-empty folder', false)
    .option('--directory <dir>', 'parent folder to create the plugin in (default: current folder)')
    .addHelpText('after', examples([
      'npx loom-plugin init',
      'npx loom-plugin init my-plugin --language go --yes',
      'npx loom-plugin init acme-ai --language python --provider-type acme --no-streaming --install --yes',
      'npx loom-plugin init claude-bridge --language go --provider-api anthropic --function-calling --vision --yes',
    ]))
    .action((name: string | undefined, opts: Record<string, unknown>) => {
      select({
        command: 'init',
        options: {
          name,
          language: opts.language as InitOptions['language'],
          providerType: opts.providerType as string | undefined,
          providerApi: opts.providerApi as InitOptions['providerApi'],
          description: opts.description as string | undefined,
          author: opts.author as string | undefined,
          license: opts.license as string | undefined,
          streaming: opts.streaming as boolean | undefined,
          functionCalling: opts.functionCalling as boolean | undefined,
          vision: opts.vision as boolean | undefined,
          port: opts.port as number | undefined,
          install: opts.install as boolean | undefined,
          yes: opts.yes as boolean,
          force: opts.force as boolean,
          directory: opts.directory as string | undefined,
        },
      });
    });
}

/** `dev [path]`: the local host with playground and hot reload. */
export function addDevCommand(program: Command, select: Select): void {
  program
    .command('dev')
    .description('run a local Loom host with a playground, hot reload and an OpenAI-compatible API')
    .argument('[path]', 'plugin folder, or a folder of plugins', '.')
    .option('--port <port>', 'port of the dev host', parsePort('--port', true), 4477)
    .option('--host <address>', 'address to bind; anything but a loopback address prints a warning', parseListenAddress('--host'), '127.0.0.1')
    .option('--allowed-host <name>', 'host name requests may use besides IP addresses and localhost; .example.com allows its subdomains (repeatable, comma-separated)', collectList)
    .option('--token <token>', 'API token (default: a new random one per launch)')
    .option('--config <file>', 'JSON or YAML file with /initialize values')
    .option('--mock-upstream', 'point the upstream field at the built-in mock provider (offline)', false)
    .option('--upstream-field <name>', 'config field that receives the mock upstream URL', 'endpoint')
    .option('--no-open', 'do not open the browser')
    .option('--no-watch', 'do not reload on file changes')
    .option('--no-build', 'start plugins as they are, without their build step (Go, or the manifest\'s `build`)')
    .addHelpText('after', examples([
      'loom-plugin dev',
      'loom-plugin dev ./my-plugin --mock-upstream',
      'loom-plugin dev ./plugins --config secrets.yaml --port 5000',
    ]) + '\nKeys: r reload, o open the browser, q quit.\n')
    .action((path: string, opts: Record<string, unknown>) => {
      select({
        command: 'dev',
        options: {
          path,
          port: opts.port as number,
          host: opts.host as string,
          allowedHosts: (opts.allowedHost as string[] | undefined) ?? [],
          token: opts.token as string | undefined,
          config: opts.config as string | undefined,
          mockUpstream: opts.mockUpstream as boolean,
          upstreamField: opts.upstreamField as string,
          open: opts.open as boolean,
          watch: opts.watch as boolean,
          build: opts.build as boolean,
        },
      });
    });
}
