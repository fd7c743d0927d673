/** Closest known word for a typo, by edit distance; undefined when nothing is close. */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 8) return Math.max(a.length, b.length);
  // Two rows, reused: a typo check per unknown key must not allocate per character.
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

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 100) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  const squashed = lower.replace(/[-_\s]/g, '');
  for (const candidate of candidates) {
    // Same word in another spelling (camelCase, no separators) counts as a perfect match.
    if (squashed === candidate.replace(/_/g, '')) return candidate;
    // The distance is at least the difference in length: skip candidates that cannot win
    // (a manifest with 100k unknown keys asks this 100k times).
    if (Math.abs(lower.length - candidate.length) >= bestDistance) continue;
    const distance = editDistance(lower, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor((best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}
