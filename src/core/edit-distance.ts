/**
 * Levenshtein distance, the one copy behind every "did you mean" hint (manifest keys,
 * check ids, schema names, config names). Two reused rows: a manifest with 100k unknown
 * keys asks for it 100k times, so it must not allocate per character.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}
