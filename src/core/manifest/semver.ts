/** Formats of manifest identifiers: semantic versions (2.0.0, no ranges) and the provider_type slug. */

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemver(text: string): SemVer | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** provider_type: a lowercase slug, the host's key for a plugin. Also used by `init`. */
export const PROVIDER_TYPE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isProviderTypeSlug(value: string): boolean {
  return PROVIDER_TYPE_PATTERN.test(value);
}

/** A slug suggestion for a provider_type that is not one ("My Provider!" -> "my-provider"). */
export function toProviderTypeSlug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);
}
