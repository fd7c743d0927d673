/**
 * Masking of sensitive values in anything that leaves the process (terminal, reports,
 * logs, the dev UI). A secret is also masked in its JSON-escaped and URL-encoded forms,
 * since that is how it shows up inside request bodies and curl lines.
 */
export const MASK = '***';

export function maskSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret containing another is masked whole.
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form) out = out.split(form).join(MASK);
  }
  return out;
}
