// "Did you mean" for names people type: closest known names by edit distance, case-insensitive.
import { editDistance, typoAllowance } from '../shared/edit-distance.js';

/**
 * Up to `limit` known names closest to `typed`, nearest first (ties alphabetically), leaving out names
 * too far away to be a plausible typo (the same allowance as for command words). A known name that starts
 * with the typed text also counts as close, however short the typed text.
 */
export function closestNames(typed: string, known: Iterable<string>, limit = 3): string[] {
  const needle = typed.trim().toLowerCase();
  if (needle.length === 0) return [];
  const maximum = typoAllowance(needle.length);
  const scored = new Map<string, number>();
  for (const name of known) {
    const candidate = name.toLowerCase();
    if (scored.has(name)) continue;
    if (candidate.startsWith(needle)) {
      scored.set(name, 1);
      continue;
    }
    const distance = editDistance(needle, candidate, maximum);
    if (distance <= maximum) scored.set(name, distance);
  }
  return [...scored.entries()]
    .sort(([nameA, distanceA], [nameB, distanceB]) => distanceA - distanceB || nameA.localeCompare(nameB))
    .slice(0, limit)
    .map(([name]) => name);
}
