// The data file's journal: what changed between two versions of the document, as one JSON line.
//
// Why: the document of a 10,000-mailbox organization is about 12 MB, and rewriting it for every commit
// made each awaited commit cost tens of milliseconds and wrote hundreds of MB per minute while alerts were
// delivered. A commit now appends only the records it replaced (a few hundred bytes to a few KB, one
// fsync); the whole document is rewritten only when the journal has grown past it (see json-file.ts).
//
// Records are immutable (the store replaces a changed record with a new object), so "changed" is found
// by object identity, position by position, without comparing contents. Correctness never depends on
// identity: a section rebuilt with new objects is simply written whole.
import { z } from 'zod';

/** A JSON path inside the document: object keys and array positions. */
type JournalPath = readonly (string | number)[];

const pathSchema = z.array(z.union([z.string(), z.number().int().nonnegative()])).min(1);

/** One step of a journal entry. Applied in order to the document the previous entries left. */
export const journalOperationSchema = z.union([
  /** Replace (or add) the value at `path`. */
  z.object({ path: pathSchema, value: z.unknown() }).strict(),
  /** Remove the object member at `path`. */
  z.object({ path: pathSchema, remove: z.literal(true) }).strict(),
  /** The array at `path` gets `length` elements, and the elements at the given positions are replaced. */
  z
    .object({
      path: pathSchema,
      length: z.number().int().nonnegative(),
      set: z.array(z.tuple([z.number().int().nonnegative(), z.unknown()])),
    })
    .strict(),
]);
export type JournalOperation = z.infer<typeof journalOperationSchema>;

/**
 * Path steps no data-file member is named, and that plain-object property access would follow to a
 * JavaScript prototype (`doc.__proto__.isAdmin = true` changes every object in the process).
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first step of `path` that leads to a prototype, if any. */
export const prototypeStepOf = (path: JournalPath): string | undefined =>
  path.find((step): step is string => typeof step === 'string' && PROTOTYPE_KEYS.has(step));

/** One line of the journal: the changes of one write. A path through a prototype makes the line corrupt. */
export const journalEntrySchema = z
  .object({ changes: z.array(journalOperationSchema) })
  .strict()
  .superRefine((entry, context) => {
    entry.changes.forEach((operation, index) => {
      const step = prototypeStepOf(operation.path);
      if (step !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['changes', index, 'path'],
          message: `the path ${JSON.stringify(operation.path)} goes through ${JSON.stringify(step)}, which names no data-file member (replaying it would reach a JavaScript prototype)`,
        });
      }
    });
  });

/** The journal's first line: which snapshot of the data file its entries continue. */
export const journalHeaderSchema = z.object({ journalOf: z.string().min(1) }).strict();

/**
 * A JSON object in the document, as opposed to an array, a value, or an object JSON.stringify turns into
 * something else (`toJSON`, such as a Date): only these are compared, and laid out, member by member.
 */
const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
};

/** A plain object with an array member: a section like `notify`, or a record like a job with its results. */
export const holdsArrays = (value: unknown): value is Readonly<Record<string, unknown>> => isPlainObject(value) && Object.values(value).some(Array.isArray);

/** Sections (depth 0: the document, depth 1: objects like `notify`) are compared member by member. */
const MAX_SECTION_DEPTH = 1;
/**
 * Deeper, a changed record that holds arrays (a job and its growing `results`) is compared member by
 * member too, down to this depth, so that a job's 10,000th result does not rewrite the other 9,999.
 */
const MAX_NESTED_DEPTH = 4;

/** The operations that turn `previous` into `next`, as JSON would see them (undefined members do not exist). */
export function diffDocuments(previous: unknown, next: unknown): JournalOperation[] {
  const operations: JournalOperation[] = [];
  diffValue(previous, next, [], 0, operations);
  return operations;
}

const comparedByMember = (previous: unknown, next: unknown, depth: number): boolean =>
  depth <= MAX_SECTION_DEPTH ? isPlainObject(previous) && isPlainObject(next) : depth <= MAX_NESTED_DEPTH && holdsArrays(previous) && holdsArrays(next);

function diffValue(previous: unknown, next: unknown, path: JournalPath, depth: number, operations: JournalOperation[]): void {
  if (previous === next) return;
  if (Array.isArray(previous) && Array.isArray(next) && path.length > 0) {
    const before: readonly unknown[] = previous;
    const after: readonly unknown[] = next;
    const set: [number, unknown][] = [];
    const nested: JournalOperation[] = [];
    for (let index = 0; index < after.length; index++) {
      const old = index < before.length ? before[index] : undefined;
      const now = after[index];
      if (old === now && index < before.length) continue;
      if (index < before.length && comparedByMember(old, now, depth + 1)) diffValue(old, now, [...path, index], depth + 1, nested);
      else set.push([index, now ?? null]);
    }
    // Length and replaced elements first: the nested changes address elements that exist before and after.
    if (set.length > 0 || before.length !== after.length) operations.push({ path: [...path], length: after.length, set });
    operations.push(...nested);
    return;
  }
  if (comparedByMember(previous, next, depth) && isPlainObject(previous) && isPlainObject(next)) {
    for (const [key, member] of Object.entries(next)) {
      if (member === undefined) continue;
      diffValue(previous[key], member, [...path, key], depth + 1, operations);
    }
    for (const [key, member] of Object.entries(previous)) {
      if (member !== undefined && next[key] === undefined) operations.push({ path: [...path, key], remove: true });
    }
    return;
  }
  if (path.length === 0) throw new Error('A data-file document must be a JSON object');
  operations.push({ path: [...path], value: next });
}

/** A problem replaying an operation, as a JSON path and a message. */
export class JournalReplayError extends Error {}

/**
 * Applies `operations` to `document` (plain JSON, modified in place) and returns it. Paths must lead
 * through objects and arrays that exist: an entry that does not fit the document it follows is corrupt.
 */
export function applyJournalOperations(document: Record<string, unknown>, operations: readonly JournalOperation[]): Record<string, unknown> {
  for (const operation of operations) {
    const forbidden = prototypeStepOf(operation.path);
    if (forbidden !== undefined) throw new JournalReplayError(`${describePath(operation.path)} goes through ${JSON.stringify(forbidden)}, which names no data-file member`);
    const parentPath = operation.path.slice(0, -1);
    const last = operation.path[operation.path.length - 1];
    let parent: unknown = document;
    for (const step of parentPath) {
      parent = childOf(parent, step, operation.path);
    }
    if ('length' in operation) {
      const target = childOf(parent, last ?? '', operation.path);
      if (!Array.isArray(target)) throw new JournalReplayError(`${describePath(operation.path)} is not an array`);
      const array: unknown[] = target;
      array.length = Math.min(array.length, operation.length);
      while (array.length < operation.length) array.push(null);
      for (const [index, value] of operation.set) {
        if (index >= operation.length) throw new JournalReplayError(`${describePath(operation.path)}[${index}] is past the array's length ${operation.length}`);
        array[index] = value;
      }
      continue;
    }
    if (!isPlainObject(parent) || typeof last !== 'string') throw new JournalReplayError(`${describePath(operation.path)} does not name an object member`);
    const members = parent as Record<string, unknown>;
    if ('remove' in operation) delete members[last];
    else members[last] = operation.value;
  }
  return document;
}

function childOf(parent: unknown, step: string | number, fullPath: JournalPath): unknown {
  // Own members only: an inherited one (`toString`, `__proto__`) is not part of the document.
  if ((typeof step === 'number' ? Array.isArray(parent) : isPlainObject(parent)) && Object.hasOwn(parent as object, step)) {
    const child = (parent as Record<string | number, unknown>)[step];
    if (child !== undefined) return child;
  }
  throw new JournalReplayError(`${describePath(fullPath)}: the document has nothing at ${JSON.stringify(step)}`);
}

const describePath = (path: JournalPath): string => path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('').replace(/^\./, '');
