// How every `OrganizationRecords` adapter lists records a page at a time, so that all of them page alike:
// the mailbox order (name as people sort it, then id), what a `MailboxQuery` matches, and opaque keyset
// cursors (base64url JSON naming the listing and the sort key of the last item served, never an offset).
// The embedded store and the Dataverse adapter's cache both page their in-memory records with these.
import { z } from 'zod';
import type { Mailbox } from '../domain/model.js';
import { InvalidCursorError, type CursorPage, type MailboxQuery, type PageRequest } from './ports/records.js';

const nameCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
/** The order of mailbox lists and pages: by name (as people sort them), then by id. */
export const byNameThenId = (a: Pick<Mailbox, 'name' | 'id'>, b: Pick<Mailbox, 'name' | 'id'>): number => nameCollator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * "Disabled" in a mailbox query: server-side synchronization processes nothing for it, i.e. it is
 * enabled for none of incoming email, outgoing email and appointments/contacts/tasks.
 */
export const isMailboxDisabled = (mailbox: Mailbox): boolean =>
  !mailbox.enabledForIncomingEmail && !mailbox.enabledForOutgoingEmail && !mailbox.enabledForAct;

export function matchesMailboxQuery(mailbox: Mailbox, query: MailboxQuery): boolean {
  return (
    (query.approval === undefined || mailbox.emailRouterAccessApproval === query.approval) &&
    (query.status === undefined || mailbox.mailboxStatus === query.status) &&
    (query.disabled === undefined || isMailboxDisabled(mailbox) === query.disabled) &&
    (query.profileId === undefined || mailbox.emailServerProfileId === query.profileId) &&
    (query.activeOnly !== true || mailbox.active) &&
    (query.testScheduled === undefined || mailbox.testEmailConfigurationScheduled === query.testScheduled)
  );
}

// ---------------------------------------------------------------------------------------------
// Cursors.

const CURSOR_FORMAT = 1;
const cursorSchema = z.object({
  f: z.literal(CURSOR_FORMAT),
  /** The listing: collection plus query. A cursor only continues the listing that issued it. */
  l: z.string(),
  /** Sort key of the last item served: [name, id] for mailboxes, [id] otherwise. */
  k: z.array(z.string()).min(1).max(2),
});
type CursorContent = z.infer<typeof cursorSchema>;

const encodeCursor = (content: CursorContent): string => Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');

function decodeCursor(cursor: string, listing: string): CursorContent {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('it is not a list position this store issued');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCursorError('it is not a list position this store issued');
  if (parsed.data.l !== listing) throw new InvalidCursorError('it belongs to another list or filter');
  return parsed.data;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
}

export interface Listing<T> {
  /** Names the collection and query: a cursor only continues the listing that issued it. */
  readonly name: string;
  readonly keyOf: (item: T) => string[];
  /** Where the page after `key` starts; throws InvalidCursorError when the key no longer leads anywhere. */
  readonly startAfter: (key: readonly string[]) => number;
}

/** One page of `items` (already in the listing's order) after the request's cursor. */
export function pageOf<T>(items: readonly T[], listing: Listing<T>, page: PageRequest): CursorPage<T> {
  checkLimit(page.limit);
  const start = page.cursor === undefined ? 0 : listing.startAfter(decodeCursor(page.cursor, listing.name).k);
  const served = items.slice(start, start + page.limit);
  const last = served.at(-1);
  return start + served.length < items.length && last !== undefined
    ? { items: served, nextCursor: encodeCursor({ f: CURSOR_FORMAT, l: listing.name, k: listing.keyOf(last) }) }
    : { items: served };
}

/** First index in `sorted` whose item comes after `key`. */
export function firstAfter<T, K>(sorted: readonly T[], key: K, compare: (item: T, key: K) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const candidate = sorted[middle];
    if (candidate !== undefined && compare(candidate, key) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Mailboxes page by name, then id (keyset): the page after a cursor starts after its name and id. */
export const mailboxListing = (query: MailboxQuery, matching: readonly Mailbox[]): Listing<Mailbox> => ({
  name: `mailboxes:${JSON.stringify([query.approval ?? null, query.status ?? null, query.disabled ?? null, query.profileId ?? null, query.activeOnly === true, query.testScheduled ?? null])}`,
  keyOf: (mailbox) => [mailbox.name, mailbox.id],
  startAfter: ([name = '', id = '']) => firstAfter(matching, { name, id }, byNameThenId),
});

/** Records paged by id (keyset): `sortedById` must be in ascending id order. */
export const idListing = <T extends { readonly id: string }>(name: string, sortedById: readonly T[]): Listing<T> => ({
  name,
  keyOf: (item) => [item.id],
  startAfter: ([id = '']) => firstAfter(sortedById, id, (item, key) => (item.id < key ? -1 : item.id > key ? 1 : 0)),
});
