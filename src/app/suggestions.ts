// "Did you mean" for names people type: closest known names by edit distance, case-insensitive.

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two adjacent
 * characters each cost 1, because a swapped pair ("Aad" for "Ada") is the commonest typo.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}

/** How far a typed name may be from a known one and still be offered: about a third of its length, at least 2. */
const maximumDistanceFor = (typed: string): number => Math.max(2, Math.floor(typed.length / 3));

/**
 * Up to `limit` known names closest to `typed`, nearest first (ties alphabetically), leaving out names
 * too far away to be a plausible typo. A known name that starts with the typed text also counts as close.
 */
export function closestNames(typed: string, known: Iterable<string>, limit = 3): string[] {
  const needle = typed.trim().toLowerCase();
  if (needle.length === 0) return [];
  const maximum = maximumDistanceFor(needle);
  const scored = new Map<string, number>();
  for (const name of known) {
    const candidate = name.toLowerCase();
    if (scored.has(name)) continue;
    const distance = candidate.startsWith(needle)
      ? 1
      : Math.abs(candidate.length - needle.length) > maximum
        ? Number.POSITIVE_INFINITY
        : editDistance(needle, candidate);
    if (distance <= maximum) scored.set(name, distance);
  }
  return [...scored.entries()]
    .sort(([nameA, distanceA], [nameB, distanceB]) => distanceA - distanceB || nameA.localeCompare(nameB))
    .slice(0, limit)
    .map(([name]) => name);
}
