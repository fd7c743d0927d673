/**
 * provider_type: the key the Loom host registers a plugin under. A lowercase slug; by
 * default derived from the plugin name without the "loom-" prefix and "-plugin" suffix
 * people often add (`loom-acme-plugin` -> `acme`).
 */
import { LoomPluginError } from '../errors.js';
import { isProviderTypeSlug } from '../manifest/semver.js';

export const MAX_PROVIDER_TYPE_LENGTH = 64;

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/[-_]{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, MAX_PROVIDER_TYPE_LENGTH)
    .replace(/[-_]+$/, '');
}

export function deriveProviderType(name: string): string {
  const full = slugify(name);
  const trimmed = full.replace(/^loom-/, '').replace(/-(?:loom-)?plugin$/, '').replace(/^plugin-/, '');
  const pick = trimmed !== '' && trimmed !== 'plugin' ? trimmed : full;
  return pick !== '' ? pick : 'custom';
}

/** Returns a problem sentence, or undefined when the slug is fine. */
export function providerTypeProblem(value: string): string | undefined {
  if (value.length === 0) return 'provider_type is empty.';
  if (value.length > MAX_PROVIDER_TYPE_LENGTH) return `provider_type is longer than ${MAX_PROVIDER_TYPE_LENGTH} characters.`;
  // The manifest schema's rule (one source of truth with `validate`); derived slugs are tidier.
  if (!isProviderTypeSlug(value)) {
    return 'provider_type must be a lowercase slug: letters a-z, digits, "-" and "_", starting with a letter or digit.';
  }
  return undefined;
}

export function assertProviderType(value: string): void {
  const problem = providerTypeProblem(value);
  if (!problem) return;
  const suggestion = slugify(value) || 'custom';
  throw new LoomPluginError('E_BAD_NAME', `"${value}" is not a valid provider type: ${problem}`, {
    hint: `Try --provider-type ${suggestion}.`,
    details: { rule: 'provider-type/slug', suggestion },
  });
}
