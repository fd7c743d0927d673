/** Closest known word for a typo, by edit distance; undefined when nothing is close. */
import { levenshtein } from '../edit-distance.js';

export function editDistance(a: string, b: string): number {
  // Words this far apart in length are never suggested; skip the table for them.
  if (Math.abs(a.length - b.length) > 8) return Math.max(a.length, b.length);
  return levenshtein(a, b);
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
