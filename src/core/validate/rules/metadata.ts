/** plugin_api_version: the schema checks the semver shape; this rule checks its meaning. */
import { KNOWN_API_MAJOR, KNOWN_API_MINOR, PLUGIN_API_VERSION } from '../../protocol.js';
import { parseSemver } from '../../manifest/semver.js';
import { isRecord, type Rule } from '../rule-context.js';

export const metadataRules: Rule = (ctx) => {
  const metadata = ctx.data.metadata;
  if (!isRecord(metadata) || typeof metadata.plugin_api_version !== 'string') return;
  const version = parseSemver(metadata.plugin_api_version);
  if (!version) return; // reported by the schema as metadata/api-version
  const path = ['metadata', 'plugin_api_version'];
  if (version.major !== KNOWN_API_MAJOR) {
    ctx.report({
      path,
      rule: 'metadata/api-version',
      message: `metadata.plugin_api_version "${metadata.plugin_api_version}" has major version ${version.major}; Loom plugins implement API major version ${KNOWN_API_MAJOR}.`,
      hint: `Use "${PLUGIN_API_VERSION}".`,
    });
  } else if (version.minor > KNOWN_API_MINOR) {
    ctx.report({
      path,
      rule: 'metadata/api-version-newer',
      message: `metadata.plugin_api_version "${metadata.plugin_api_version}" is newer than the ${KNOWN_API_MAJOR}.${KNOWN_API_MINOR} this loom-plugin knows; newer features are not checked.`,
      hint: 'Update loom-plugin, or declare the version you implement.',
    });
  }
};
