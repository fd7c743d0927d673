/** Closest known name to a typo, for "did you mean" hints. */
import { levenshtein } from '../edit-distance.js';

export function closestName(input: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const name of known) {
    const score = levenshtein(input.toLowerCase(), name.toLowerCase());
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}
