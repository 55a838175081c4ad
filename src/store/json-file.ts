// A small document database: one JSON document, validated by a zod schema, held by lowdb's `Low`.
//
// Why not lowdb's presets or its JSON writer:
// - `JSONFilePreset` silently switches to an in-memory adapter when NODE_ENV=test (vitest sets it), so
//   tests would never touch the file they think they test.
// - lowdb's `TextFile` writes through steno 4, which writes a fixed `.name.tmp` and renames it, but never
//   fsyncs: after a power cut the renamed file can be empty or partial. It also coalesces queued writes
//   (only the latest data reaches the disk), so writes cannot be counted per update, and it retries a
//   failing rename for a second. We keep `TextFile` for reading (it maps a missing file to `null`) and
//   write with `writeFileAtomically` below: temp file in the same directory, fsync, rename, fsync dir.
// Updates are serialized here and readers only ever see committed documents. By default each update is
// one write; with `groupCommit`, updates queued while a write is in flight are applied together, in
// order, and written once (each caller still gets its own result, after the write that holds its change).
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, Memory } from 'lowdb';
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { applyJournalOperations, diffDocuments, holdsArrays, journalEntrySchema, journalHeaderSchema, JournalReplayError } from './journal.js';
import { DataFileError } from './data-file-error.js';
import { lockDataFile, type DataFileLock } from './data-file-lock.js';
import { describeIssues } from '../shared/zod-problems.js';

export { DataFileError };

// ---------------------------------------------------------------------------------------------
// Atomic, durable file replacement.

/** The file-system steps of an atomic write; tests replace one to simulate a crash at that step. */
export interface FileWriteOperations {
  /** Creates `path` with `data` and flushes it to the disk before resolving. */
  writeDurably(path: string, data: string | Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Flushes a directory entry change (the rename) to the disk. */
  syncDirectory(path: string): Promise<void>;
  /** Appends `text` to `path` (which must exist) and flushes it to the disk before resolving. */
  append(path: string, text: string): Promise<void>;
}

export const nodeFileWriteOperations: FileWriteOperations = {
  async writeDurably(path, data) {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  async syncDirectory(path) {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async append(path, text) {
    const handle = await open(path, 'r+');
    try {
      const { size } = await handle.stat();
      await handle.write(text, size, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
};

/**
 * Replaces `path` with `data` (a string is written as UTF-8) so that a crash at any moment leaves either the old or the new content,
 * never a mix: the data goes to a fresh temp file in the same directory (same file system, so the
 * rename is atomic), is fsynced, then renamed over the target.
 */
export async function writeFileAtomically(path: string, data: string | Uint8Array, operations: FileWriteOperations = nodeFileWriteOperations): Promise<void> {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    await operations.writeDurably(tempPath, data);
    await operations.rename(tempPath, path);
  } catch (error) {
    await operations.remove(tempPath).catch(() => undefined);
    throw error;
  }
  // The new content is in place from here on, so a failure to flush the directory entry must not
  // report the write as failed (callers would then believe the old document is still current).
  await operations.syncDirectory(dirname(path)).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// The lowdb adapter: a snapshot plus a journal, parsed and validated on read.
//
// `data.json` is a whole document (a snapshot) carrying a random `snapshotId`; `data.json.journal`
// starts with a header naming that snapshot, then holds one line per write: what the write changed
// (journal.ts). A write appends its line and fsyncs, which costs about as much as the change, not as
// much as the document. When the journal has grown to three times the snapshot (or after a failed append), the
// next write is a new snapshot, written atomically, followed by a fresh journal. A crash between the
// two leaves a journal naming the old snapshot: the new snapshot records (`compactedFrom`) that it
// already holds that journal's entries, so the journal is ignored. A crash mid-append leaves a last line
// without its newline: that write never reported success, so the line is ignored too. Anything else
// stops start-up, naming the files: a damaged header, a journal that belongs to another snapshot, or a
// journal whose data file is missing. A committed line is never skipped silently.

/**
 * The journal is compacted into a new snapshot once it is this many times the snapshot's size: the files
 * then take at most about four times the document's size on disk, and Test & Enable of every mailbox
 * (about 3.5 KB of journal per mailbox since a job's batches are written ahead, then to the records, then
 * counted) fits without a rewrite of the whole document in the middle of the job...
 */
const COMPACT_WHEN_JOURNAL_EXCEEDS_SNAPSHOT = 3;
/** ...and at least this big, so that small files are not rewritten all the time. */
const MIN_JOURNAL_BYTES_BEFORE_COMPACTION = 1024 * 1024;

export const journalPathOf = (path: string): string => `${path}.journal`;

class JournaledJsonFile<T> implements Adapter<T> {
  readonly #reader: TextFile;
  readonly #journalReader: TextFile;
  /** The document as of the last successful write or read: what the journal's next line is relative to. */
  #lastWritten: T | undefined;
  #snapshotBytes = 0;
  #journalBytes = 0;
  /** Set when the journal cannot be appended to safely (failed append, torn tail, stale or missing). */
  #needsSnapshot = true;
  /** Set by `requestSnapshot`: the next write rewrites the whole file even if it could append. */
  #snapshotRequested = false;
  /**
   * The snapshot the journal on disk continues (its header), `undefined` when there is none. The next
   * snapshot records it as `compactedFrom`: proof that the journal left behind by a crash right after
   * that snapshot holds nothing the snapshot lacks.
   */
  #journalOnDiskOf: string | undefined;
  /** Snapshots written since opening (including the first one of a new file). */
  snapshotsWritten = 0;

  constructor(
    readonly path: string,
    readonly parse: (raw: unknown) => T,
    readonly operations: FileWriteOperations,
  ) {
    this.#reader = new TextFile(path);
    this.#journalReader = new TextFile(journalPathOf(path));
  }

  get journalPath(): string {
    return journalPathOf(this.path);
  }

  /** The validated document (snapshot plus journal), or `null` when neither the data file nor its journal exists. */
  async read(): Promise<T | null> {
    const text = await this.#readText(this.#reader, this.path);
    if (text === null) {
      // Creating the file from the seed would throw away every change the journal holds.
      if ((await this.#readText(this.#journalReader, this.journalPath)) === null) return null;
      throw new DataFileError(
        this.path,
        [`its journal ${this.journalPath} exists, so committed changes depend on it; it was not created again from the organization file. Restore ${this.path} (both files belong together), or delete both to start over.`],
        'is missing',
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new DataFileError(this.path, [`(root): not JSON (${errorMessage(error)})`], 'is corrupt');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return this.parse(raw);
    const { snapshotId, compactedFrom, ...document } = raw as Record<string, unknown>;
    this.#snapshotBytes = Buffer.byteLength(text, 'utf8');
    const snapshot = { id: typeof snapshotId === 'string' ? snapshotId : undefined, compactedFrom: typeof compactedFrom === 'string' ? compactedFrom : undefined };
    const replayed = await this.#replayJournal(document, snapshot);
    const parsed = this.parse(replayed);
    this.#lastWritten = parsed;
    return parsed;
  }

  async #readText(reader: TextFile, path: string): Promise<string | null> {
    try {
      return await reader.read();
    } catch (error) {
      throw new DataFileError(path, [`(root): ${errorMessage(error)}`], 'cannot be read');
    }
  }

  async #replayJournal(document: Record<string, unknown>, snapshot: { readonly id: string | undefined; readonly compactedFrom: string | undefined }): Promise<Record<string, unknown>> {
    this.#needsSnapshot = true;
    this.#journalOnDiskOf = undefined;
    const text = await this.#readText(this.#journalReader, this.journalPath);
    if (text === null) return document;
    const lines = text.split('\n');
    // The text after the last newline is a write that never finished (and never reported success).
    const complete = lines.slice(0, -1);
    // The header is written whole (atomically, like a snapshot), so it is never a torn tail.
    const header = journalHeaderSchema.safeParse(parseJsonLine(complete[0]));
    if (!header.success) {
      throw new DataFileError(
        this.journalPath,
        [`line 1: not a journal header (${JSON.stringify((complete[0] ?? lines[0] ?? '').slice(0, 80))}), so the changes after it cannot be matched to ${this.path}. Neither file was changed.`],
        'is corrupt',
      );
    }
    this.#journalOnDiskOf = header.data.journalOf;
    if (header.data.journalOf !== snapshot.id) {
      const entries = complete.length - 1;
      // A crash between a new snapshot and its fresh journal: the snapshot says it holds this journal's entries.
      if (entries === 0 || header.data.journalOf === snapshot.compactedFrom) return document;
      throw new DataFileError(
        this.journalPath,
        [
          `line 1: it continues snapshot ${header.data.journalOf}, but ${this.path} is ${snapshot.id === undefined ? 'a data file without a snapshot id' : `snapshot ${snapshot.id}`}, which does not hold its ${entries} committed change(s). Put back the data file this journal belongs to; neither file was changed.`,
        ],
        'belongs to another data file',
      );
    }
    for (let index = 1; index < complete.length; index++) {
      const entry = journalEntrySchema.safeParse(parseJsonLine(complete[index]));
      const problem = entry.success ? undefined : `line ${index + 1}: not a journal entry (${describeFirstIssue(entry.error)})`;
      try {
        if (problem !== undefined) throw new JournalReplayError(problem);
        if (entry.success) applyJournalOperations(document, entry.data.changes);
      } catch (error) {
        const message = error instanceof JournalReplayError && problem === undefined ? `line ${index + 1}: ${error.message}` : errorMessage(error);
        throw new DataFileError(this.journalPath, [message], 'is corrupt');
      }
    }
    this.#journalBytes = Buffer.byteLength(text, 'utf8');
    this.#needsSnapshot = lines[lines.length - 1] !== '';
    return document;
  }

  async write(document: T): Promise<void> {
    const last = this.#lastWritten;
    const compact = this.#journalBytes > Math.max(MIN_JOURNAL_BYTES_BEFORE_COMPACTION, this.#snapshotBytes * COMPACT_WHEN_JOURNAL_EXCEEDS_SNAPSHOT);
    if (last === undefined || this.#needsSnapshot || this.#snapshotRequested || compact) {
      this.#snapshotRequested = false;
      await this.#writeSnapshot(document);
    } else {
      await this.#append(last, document);
    }
    this.#lastWritten = document;
  }

  /** Makes the next write a snapshot: the whole document in `data.json` and an empty journal. */
  requestSnapshot(): void {
    this.#snapshotRequested = true;
  }

  async #append(last: T, document: T): Promise<void> {
    const changes = diffDocuments(last, document);
    if (changes.length === 0) return;
    const line = `${JSON.stringify({ changes })}\n`;
    try {
      await this.operations.append(this.journalPath, line);
    } catch (error) {
      // The journal may now end in part of this line: never append after it.
      this.#needsSnapshot = true;
      throw error;
    }
    this.#journalBytes += Buffer.byteLength(line, 'utf8');
  }

  async #writeSnapshot(document: T): Promise<void> {
    const snapshotId = randomUUID();
    const compactedFrom = this.#journalOnDiskOf;
    const bytes = serializeDocument({ snapshotId, ...(compactedFrom === undefined ? {} : { compactedFrom }), ...document });
    await writeFileAtomically(this.path, bytes, this.operations);
    this.#snapshotBytes = bytes.byteLength;
    this.snapshotsWritten += 1;
    // The document is durable from here on; without a fresh journal the next write is a snapshot again.
    this.#needsSnapshot = true;
    this.#journalBytes = 0;
    const header = `${JSON.stringify({ journalOf: snapshotId })}\n`;
    try {
      await writeFileAtomically(this.journalPath, header, this.operations);
      this.#journalOnDiskOf = snapshotId;
      this.#journalBytes = Buffer.byteLength(header, 'utf8');
      this.#needsSnapshot = false;
    } catch {
      // Left as it was, the old journal names an older snapshot, which this one was compacted from: the next read ignores it.
    }
  }
}

const parseJsonLine = (line: string | undefined): unknown => {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// Serialization of snapshots. The file has one section per line at the top and one record per line inside
// array sections (also nested ones such as `notify.outbox`): still readable, and `grep` finds a whole
// record. Snapshots are rare (commits go to the journal), so nothing is cached between them.

/** Objects holding arrays (the document, `notify`, `exchangeSimulation`) are laid out; anything else is one line. */
const isContainer = (value: unknown, depth: number): value is Readonly<Record<string, unknown>> => depth < 3 && holdsArrays(value);

/** Whether JSON.stringify leaves this property out of an object. */
const omittedInObject = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function layOut(value: unknown, indent: string, depth: number, parts: string[]): void {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const records: readonly unknown[] = value;
    if (records.length === 0) {
      parts.push('[]');
      return;
    }
    parts.push(`[\n${inner}`, records.map((record) => JSON.stringify(record) ?? 'null').join(`,\n${inner}`), `\n${indent}]`);
    return;
  }
  if (isContainer(value, depth)) {
    const members = Object.entries(value).filter(([, member]) => !omittedInObject(member));
    parts.push('{');
    members.forEach(([key, member], index) => {
      parts.push(`${index > 0 ? ',' : ''}\n${inner}${JSON.stringify(key)}: `);
      layOut(member, inner, depth + 1, parts);
    });
    parts.push(`\n${indent}}`);
    return;
  }
  parts.push(JSON.stringify(value) ?? 'null');
}

/** The bytes of a snapshot of `document`: the same JSON value as `JSON.stringify(document)`, laid out as above. */
export function serializeDocument(document: unknown): Buffer {
  const parts: string[] = [];
  layOut(document, '', 0, parts);
  parts.push('\n');
  return Buffer.from(parts.join(''), 'utf8');
}

/** The first problem zod found in a journal line, led by its path inside the line. */
const describeFirstIssue = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  return issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`;
};

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------
// The serialized document database, shared by the file and the in-memory variants.

/** What a unit of work decided: the next document to write (`null`: write nothing) and its result. */
export interface Transaction<T, R> {
  readonly next: T | null;
  readonly result: R;
}

/** A queued `transact` call: runs its work against a document and, later, tells its caller the outcome. */
interface QueuedTransaction<T> {
  /** Runs the work (it may throw); `settle` resolves the caller with the work's result. */
  apply(current: T): { readonly next: T | null; readonly settle: () => void };
  fail(error: unknown): void;
}

export interface DocumentDatabaseOptions {
  /**
   * Apply the transactions that queued up while a write was in flight together, in order, and write their
   * combined result once. Each caller's promise settles after the write that holds its change.
   */
  readonly groupCommit?: boolean;
}

export class DocumentDatabase<T> {
  readonly #low: Low<T>;
  readonly #groupCommit: boolean;
  #committed: T;
  #writesPerformed: number;
  #transactionsWritten = 0;
  #waiting: QueuedTransaction<T>[] = [];
  #draining = false;
  /** Set by `close`: what the close resolves with, once every earlier transaction is done. */
  #closing: Promise<void> | undefined;
  readonly #lock: DataFileLock | undefined;

  constructor(low: Low<T>, writesAlreadyPerformed = 0, options: DocumentDatabaseOptions = {}, lock?: DataFileLock) {
    this.#lock = lock;
    this.#low = low;
    this.#committed = low.data;
    this.#writesPerformed = writesAlreadyPerformed;
    this.#groupCommit = options.groupCommit ?? false;
  }

  /** The last successfully written document. Never a document whose write is still in flight. */
  get current(): T {
    return this.#committed;
  }

  /** Successful writes since the database was opened (creating a missing file counts as one). */
  get writesPerformed(): number {
    return this.#writesPerformed;
  }

  /** Writes that rewrote the whole file (the rest appended to its journal); 0 in memory. */
  get snapshotsWritten(): number {
    const adapter: unknown = this.#low.adapter;
    return adapter instanceof JournaledJsonFile ? adapter.snapshotsWritten : 0;
  }

  /** Transactions whose change reached the disk; more than `writesPerformed` when group commit combined some. */
  get transactionsWritten(): number {
    return this.#transactionsWritten;
  }

  /** Whether queued transactions are combined into one write (see `DocumentDatabaseOptions`). */
  get groupCommit(): boolean {
    return this.#groupCommit;
  }

  /**
   * Runs `work` after every earlier transaction, against the document they left, and writes its `next`
   * document (`null`: nothing to write). If `work` throws or the write fails, its change is dropped and
   * the promise rejects; later transactions still run. With group commit, `work` may see changes of
   * earlier transactions whose write is still to come; if that write fails, this one fails too.
   */
  transact<R>(work: (current: T) => Transaction<T, R>): Promise<R> {
    if (this.#closing !== undefined) return Promise.reject(new Error('The data file is closed: nothing more can be written to it.'));
    return this.#enqueue(work);
  }

  #enqueue<R>(work: (current: T) => Transaction<T, R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({
        apply: (current) => {
          const { next, result } = work(current);
          return { next, settle: () => resolve(result) };
        },
        fail: reject,
      });
      // Started from a microtask, so that transactions queued in the same tick share the first write.
      if (!this.#draining) {
        this.#draining = true;
        queueMicrotask(() => void this.#drain());
      }
    });
  }

  /**
   * Rewrites the whole file from the current document and starts an empty journal, after every earlier
   * transaction. Not needed for safety (the journal is compacted as it grows); a clean shutdown calls it
   * so that `data.json` alone holds everything. In memory it does nothing.
   */
  compact(): Promise<void> {
    const adapter: unknown = this.#low.adapter;
    if (!(adapter instanceof JournaledJsonFile)) return Promise.resolve();
    return this.transact((current) => {
      adapter.requestSnapshot();
      return { next: current, result: undefined };
    });
  }

  /**
   * Lets every transaction queued so far finish, refuses later ones, and releases the data file's lock.
   * Idempotent: a second call (a second signal during shutdown) waits for the same close. Writes never
   * start after it resolves, so a process that exits then leaves no temp file behind.
   */
  close(): Promise<void> {
    this.#closing ??= this.#enqueue(() => ({ next: null, result: undefined })).finally(() => this.#lock?.release());
    return this.#closing;
  }

  /** `transact` for callers that always write and need no result. */
  update(change: (current: T) => T): Promise<void> {
    return this.transact((current) => ({ next: change(current), result: undefined }));
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#groupCommit ? this.#waiting.splice(0) : this.#waiting.splice(0, 1);
        await this.#runBatch(batch);
      }
    } finally {
      this.#draining = false;
    }
  }

  async #runBatch(batch: readonly QueuedTransaction<T>[]): Promise<void> {
    let working = this.#committed;
    let writers = 0;
    /** Callers whose answer depends on the write: they settle after it, or fail with it. */
    const awaitingWrite: { readonly transaction: QueuedTransaction<T>; readonly settle: () => void }[] = [];
    for (const transaction of batch) {
      let outcome: { readonly next: T | null; readonly settle: () => void };
      try {
        outcome = transaction.apply(working);
      } catch (error) {
        transaction.fail(error);
        continue;
      }
      if (outcome.next === null && working === this.#committed) {
        // Decided on committed data alone: nothing the write does can change this answer.
        outcome.settle();
        continue;
      }
      if (outcome.next !== null) {
        working = outcome.next;
        writers += 1;
      }
      awaitingWrite.push({ transaction, settle: outcome.settle });
    }
    if (writers === 0) {
      for (const waiting of awaitingWrite) waiting.settle();
      return;
    }
    this.#low.data = working;
    try {
      await this.#low.write();
    } catch (error) {
      this.#low.data = this.#committed;
      for (const waiting of awaitingWrite) waiting.transaction.fail(error);
      return;
    }
    this.#committed = working;
    this.#writesPerformed += 1;
    this.#transactionsWritten += writers;
    for (const waiting of awaitingWrite) waiting.settle();
  }
}

// ---------------------------------------------------------------------------------------------

export interface JsonFileOptions<T extends { readonly schemaVersion: number }> {
  readonly path: string;
  readonly schema: z.ZodType<T>;
  /** The only `schemaVersion` this build understands; any other is rejected before the schema runs. */
  readonly schemaVersion: T['schemaVersion'];
  /** The first document, written when the file does not exist yet. */
  readonly seed: () => T | Promise<T>;
  /** Replace file-system steps (tests simulate crashes with this). */
  readonly operations?: Partial<FileWriteOperations>;
  /** Combine transactions queued during a write into the next write (see `DocumentDatabaseOptions`). */
  readonly groupCommit?: boolean;
}

/**
 * Opens (or creates from `seed`) a JSON data file. A file that is not JSON, has another schema
 * version or does not match the schema throws `DataFileError` and is left exactly as it was.
 */
export async function openJsonFile<T extends { readonly schemaVersion: number }>(options: JsonFileOptions<T>): Promise<DocumentDatabase<T>> {
  const { path, schema, schemaVersion } = options;
  const parse = (raw: unknown, summary?: string): T => {
    if (typeof raw === 'object' && raw !== null && 'schemaVersion' in raw && raw.schemaVersion !== schemaVersion) {
      throw new DataFileError(
        path,
        [`schemaVersion: unknown data-file schemaVersion ${JSON.stringify(raw.schemaVersion)}; this build reads only schemaVersion ${schemaVersion}`],
        'was written in a format this build does not know',
      );
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new DataFileError(path, describeIssues(parsed.error), summary);
    return parsed.data;
  };
  const adapter = new JournaledJsonFile<T>(path, parse, { ...nodeFileWriteOperations, ...options.operations });
  const databaseOptions: DocumentDatabaseOptions = { groupCommit: options.groupCommit ?? false };
  // The lock comes first: nothing is read, cleaned up or seeded while another process may be writing.
  await mkdir(dirname(path), { recursive: true });
  const lock = await lockDataFile(path);
  try {
    await removeLeftoverTempFiles(path);
    const existing = await adapter.read();
    if (existing !== null) return new DocumentDatabase(new Low(adapter, existing), 0, databaseOptions, lock);

    const seeded = parse(await options.seed(), 'cannot be created: the seed document is invalid');
    const low = new Low(adapter, seeded);
    await low.write();
    return new DocumentDatabase(low, 1, databaseOptions, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * Removes the temp files of atomic writes that a crash (or an exit in the middle of a write) left next
 * to the data file and its journal. Only the lock holder writes them, so none of them is in use.
 */
async function removeLeftoverTempFiles(path: string): Promise<void> {
  const directory = dirname(path);
  const name = basename(path);
  const isLeftover = (entry: string): boolean =>
    entry.endsWith('.tmp') && [`.${name}.`, `.${basename(journalPathOf(path))}.`].some((prefix) => entry.startsWith(prefix) && /^\d+\.[0-9a-f-]{36}\.tmp$/.test(entry.slice(prefix.length)));
  const entries = await readdir(directory).catch(() => []);
  await Promise.all(entries.filter(isLeftover).map((entry) => rm(join(directory, entry), { force: true })));
}

/** The same database kept only in memory (lowdb's `Memory` adapter): for tests and dry runs. */
export function inMemoryDocumentDatabase<T>(document: T, options: DocumentDatabaseOptions = {}): DocumentDatabase<T> {
  return new DocumentDatabase(new Low(new Memory<T>(), document), 0, options);
}
