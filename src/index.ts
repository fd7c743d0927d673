/**
 * Programmatic API of loom-plugin: the same core the CLI uses, with no printing and no
 * process exits. Results are plain data; render them with the reporters if you like.
 */
export * from './core/errors.js';
export * from './core/runtime/index.js';
export * from './core/schema-registry.js';
export * from './core/schema-strict-json.js';
export { buildOpenApiDocument, openApiText } from './core/openapi.js';
export * from './core/manifest/types.js';
export * from './core/manifest/find-manifests.js';
export * from './core/manifest/load-plugin-manifest.js';
export { isProviderTypeSlug, toProviderTypeSlug, PROVIDER_TYPE_PATTERN, parseSemver } from './core/manifest/semver.js';
export { checkManifestFile, checkManifestText } from './core/validate/check-manifest.js';
export * from './core/validate/validate-paths.js';
export { syncPlugin, type SyncResult, type SyncChange, type SyncPluginOptions } from './core/sync/sync-plugin.js';
export { jsonTwinText, JSON_TWIN_NAME } from './core/manifest/json-twin.js';
export { schemaSentences, rawSchemaErrors, type RawSchemaError } from './core/schema-messages.js';
export { RULES as VALIDATE_RULES, type RuleInfo } from './core/validate/rule-catalogue.js';
export * from './core/init/types.js';
export { validatePluginName, suggestPluginName, assertPluginName, pythonImportName, goModulePath, type NameCheck, type NameProblem, type NameCheckOptions } from './core/init/plugin-name.js';
export { deriveProviderType, providerTypeProblem, assertProviderType } from './core/init/provider-type.js';
export { renderTemplate, renderText, jsonLiteral, type RenderedFile } from './core/init/render-template.js';
export { templateValues, TEMPLATE_KEYS, type TemplateValues } from './core/init/template-values.js';
export { scaffoldPlugin, checkAnswers, type ScaffoldOptions } from './core/init/scaffold.js';
export { installDependencies, installSteps, type InstallStep, type InstallOptions, type InstallStepResult } from './core/init/install.js';
export { nextSteps, type NextStep } from './core/init/next-steps.js';
export { answersWithDefaults, missingRequiredFlags, type InitFlags } from './core/init/default-answers.js';
export { defaultTemplatesDir } from './core/init/package-paths.js';
export * from './core/conformance/types.js';
export { runConformance, loadManifestForTest, type RunConformanceOptions, type ConformanceEvent, type ConformancePhase, type ConformanceReport, type PluginExitReport, type HeldRun } from './core/conformance/run-conformance.js';
export { loadExpectedFailures, parseExpectedFailures, applyExpectedFailures, type ExpectedFailure } from './core/conformance/expected-failures.js';
export { summarizeResults, summaryPasses } from './core/conformance/summary.js';
export { renderChecksMarkdown } from './core/conformance/catalogue-markdown.js';
export { renderJsonReport, renderJunitReport, renderGithubAnnotations, renderGithubSummary, renderHumanReport } from './output/test-reporters/index.js';
export * from './core/dev/index.js';
export { CHECKS, CHECK_IDS, findCheck, selectChecks } from './core/conformance/catalogue.js';
export { runSuite, type SuiteOptions } from './core/conformance/run-suite.js';
