/**
 * The placeholder values handed to the renderer: the complete, explicit key set that
 * docs/templates.md documents. Anything not listed here is an error in a template.
 */
import { ownVersion } from '../package-root.js';
import { actionRepository } from './package-paths.js';
import { goModulePath, pythonImportName } from './plugin-name.js';
import { apiTemplateValues } from './api-template-values.js';
import type { ProviderApiSpec } from './provider-api.js';
import type { InitAnswers } from './types.js';

export type TemplateValues = Readonly<Record<string, string>>;

export const TEMPLATE_KEYS = [
  'name', 'package_name', 'python_package', 'go_module', 'provider_type', 'description', 'author',
  'license', 'version', 'port', 'streaming', 'function_calling', 'vision', 'loom_plugin_version', 'loom_plugin_action', 'year',
  // From the provider API (api-template-values.ts):
  'provider_api', 'provider_api_title', 'example_model', 'config_schema', 'config_table', 'config_exports', 'docker_env', 'error_rows',
] as const;

export const INITIAL_VERSION = '0.1.0';

export function templateValues(answers: InitAnswers, spec: ProviderApiSpec, now: Date = new Date()): TemplateValues {
  return {
    ...apiTemplateValues(spec),
    name: answers.name,
    package_name: answers.name,
    python_package: pythonImportName(answers.name),
    go_module: goModulePath(answers.name),
    provider_type: answers.providerType,
    description: answers.description,
    author: answers.author,
    license: answers.license,
    version: INITIAL_VERSION,
    port: String(answers.port),
    streaming: String(answers.capabilities.streaming),
    function_calling: String(answers.capabilities.functionCalling),
    vision: String(answers.capabilities.vision),
    loom_plugin_version: ownVersion(),
    loom_plugin_action: actionRepository(),
    year: String(now.getUTCFullYear()),
  };
}
