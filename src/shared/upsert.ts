// Keyed upserts into record lists, as every document-backed repository writes them.

/** Upserts `changes` into `records` by `keyOf`, keeping the positions of existing records (order can matter: the outbox sends in load order). */
export function upsertByKey<T>(records: readonly T[], changes: readonly T[], keyOf: (record: T) => string): T[] {
  const next = [...records];
  const positions = new Map(next.map((record, index) => [keyOf(record), index]));
  for (const change of changes) {
    const position = positions.get(keyOf(change));
    if (position === undefined) {
      positions.set(keyOf(change), next.length);
      next.push(change);
    } else {
      next[position] = change;
    }
  }
  return next;
}
