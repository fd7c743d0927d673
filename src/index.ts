/**
 * Programmatic API of loom-plugin: the same core the CLI uses, with no printing and no
 * process exits. Results are plain data; render them with the reporters if you like.
 */
export * from './core/errors.js';
export * from './core/runtime/index.js';
export * from './core/schema-registry.js';
export * from './core/schema-strict-json.js';
export * from './core/manifest/types.js';
export * from './core/manifest/find-manifests.js';
export * from './core/manifest/load-plugin-manifest.js';
export { isProviderTypeSlug, toProviderTypeSlug, PROVIDER_TYPE_PATTERN, parseSemver } from './core/manifest/semver.js';
export { checkManifestFile, checkManifestText } from './core/validate/check-manifest.js';
export * from './core/validate/validate-paths.js';
export { RULES as VALIDATE_RULES, type RuleInfo } from './core/validate/rule-catalogue.js';
export * from './core/conformance/types.js';
export { runConformance, loadManifestForTest, type RunConformanceOptions, type ConformanceEvent, type ConformancePhase, type ConformanceReport, type PluginExitReport } from './core/conformance/run-conformance.js';
export { loadExpectedFailures, parseExpectedFailures, applyExpectedFailures, type ExpectedFailure } from './core/conformance/expected-failures.js';
export { summarizeResults, summaryPasses } from './core/conformance/summary.js';
export { renderChecksMarkdown } from './core/conformance/catalogue-markdown.js';
export { renderJsonReport, renderJunitReport, renderGithubAnnotations, renderGithubSummary, renderHumanReport } from './output/test-reporters/index.js';
export * from './core/dev/index.js';
