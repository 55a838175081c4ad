// Turning what people type (a name, an email address, an id) into records, with every unknown name
// reported at once with "did you mean" suggestions, and a name that fits several records refused.
import { domainError, type DomainError, type DomainErrorCode } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import { closestNames } from './suggestions.js';

export interface NameIndex<T> {
  /** Records whose id, name or address equals `typed`, ignoring case and surrounding spaces. */
  lookup(typed: string): readonly T[];
  /** Everything a person could have meant to type, for suggestions (ids left out: nobody types those by hand). */
  readonly suggestable: readonly string[];
}

export interface NameIndexSpec<T> {
  readonly idOf: (item: T) => string;
  /** Names and addresses a person may type for this record. */
  readonly namesOf: (item: T) => readonly string[];
  /** Further keys that match but are never suggested (raw ids). */
  readonly hiddenKeysOf?: (item: T) => readonly string[];
}

const normalize = (text: string): string => text.trim().toLowerCase();

export function buildNameIndex<T>(items: Iterable<T>, spec: NameIndexSpec<T>): NameIndex<T> {
  const byKey = new Map<string, T[]>();
  const suggestable = new Set<string>();
  const add = (key: string, item: T): void => {
    const normalized = normalize(key);
    if (normalized.length === 0) return;
    const bucket = byKey.get(normalized);
    if (bucket === undefined) byKey.set(normalized, [item]);
    else if (!bucket.some((other) => spec.idOf(other) === spec.idOf(item))) bucket.push(item);
  };
  for (const item of items) {
    add(spec.idOf(item), item);
    for (const key of spec.hiddenKeysOf?.(item) ?? []) add(key, item);
    for (const name of spec.namesOf(item)) {
      add(name, item);
      if (name.trim().length > 0) suggestable.add(name.trim());
    }
  }
  return { lookup: (typed) => byKey.get(normalize(typed)) ?? [], suggestable: [...suggestable] };
}

export interface ResolveOptions<T> {
  /** What the records are called in messages, singular and plural: ['mailbox', 'mailboxes']. */
  readonly noun: readonly [string, string];
  readonly unknownCode: DomainErrorCode;
  /** How a candidate is told apart from the others when a name is ambiguous (an email address, usually). */
  readonly distinguish: (item: T) => string;
  readonly idOf: (item: T) => string;
}

const quoted = (text: string): string => `"${text}"`;

/**
 * Resolves every typed name, keeping the order typed and dropping repeats. Fails with all unknown names
 * (each with its closest known names) and all ambiguous names in one error, so one reply fixes everything.
 */
export function resolveNames<T>(typedNames: readonly string[], index: NameIndex<T>, options: ResolveOptions<T>): Result<T[], DomainError> {
  const [singular, plural] = options.noun;
  const found: T[] = [];
  const seen = new Set<string>();
  const unknown: { name: string; suggestions: string[] }[] = [];
  const ambiguous: string[] = [];
  for (const typed of typedNames) {
    const name = typed.trim();
    if (name.length === 0) continue;
    const matches = index.lookup(name);
    const [only, ...others] = matches;
    if (only === undefined) {
      if (!unknown.some((entry) => entry.name.toLowerCase() === name.toLowerCase())) {
        unknown.push({ name, suggestions: closestNames(name, index.suggestable) });
      }
    } else if (others.length > 0) {
      const candidates = matches.map(options.distinguish).sort();
      ambiguous.push(`${quoted(name)} matches ${matches.length} ${plural}: ${candidates.join(', ')}; use one of these instead.`);
    } else if (!seen.has(options.idOf(only))) {
      seen.add(options.idOf(only));
      found.push(only);
    }
  }
  if (unknown.length > 0) {
    const sentences = unknown.map(({ name, suggestions }) =>
      suggestions.length > 0
        ? `No ${singular} is called ${quoted(name)}; did you mean ${suggestions.map(quoted).join(' or ')}?`
        : `No ${singular} is called ${quoted(name)}.`,
    );
    return err(domainError(options.unknownCode, [...sentences, ...ambiguous].join(' '), { unknownNames: unknown }));
  }
  if (ambiguous.length > 0) return err(domainError('InvalidValue', ambiguous.join(' ')));
  if (found.length === 0) return err(domainError('NothingSelected', `No ${singular} was named.`));
  return ok(found);
}

/** One record by name, address or id. */
export function resolveOne<T>(typed: string, index: NameIndex<T>, options: ResolveOptions<T>): Result<T, DomainError> {
  const resolved = resolveNames([typed], index, options);
  if (!resolved.ok) return resolved;
  const [first] = resolved.value;
  return first === undefined ? err(domainError('NothingSelected', `No ${options.noun[0]} was named.`)) : ok(first);
}
