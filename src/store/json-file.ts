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
// Updates are serialized here, one write each, and readers only ever see committed documents.
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, Memory } from 'lowdb';
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { describeIssues } from './zod-problems.js';

/** A data file that cannot be used as it is. The file is never modified when this is thrown. */
export class DataFileError extends Error {
  override readonly name: string = 'DataFileError';
  constructor(
    readonly filePath: string,
    /** One line per problem, each led by the JSON path it concerns. */
    readonly problems: readonly string[],
    summary = 'is not a valid data file',
  ) {
    super(`${filePath} ${summary}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Atomic, durable file replacement.

/** The file-system steps of an atomic write; tests replace one to simulate a crash at that step. */
export interface FileWriteOperations {
  /** Creates `path` with `text` and flushes it to the disk before resolving. */
  writeDurably(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Flushes a directory entry change (the rename) to the disk. */
  syncDirectory(path: string): Promise<void>;
}

export const nodeFileWriteOperations: FileWriteOperations = {
  async writeDurably(path, text) {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
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
};

/**
 * Replaces `path` with `text` so that a crash at any moment leaves either the old or the new content,
 * never a mix: the text goes to a fresh temp file in the same directory (same file system, so the
 * rename is atomic), is fsynced, then renamed over the target.
 */
export async function writeFileAtomically(path: string, text: string, operations: FileWriteOperations = nodeFileWriteOperations): Promise<void> {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    await operations.writeDurably(tempPath, text);
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
// The lowdb adapter: parse and validate on read, atomic write.

class ValidatedJsonFile<T> implements Adapter<T> {
  readonly #reader: TextFile;

  constructor(
    readonly path: string,
    readonly parse: (raw: unknown) => T,
    readonly operations: FileWriteOperations,
  ) {
    this.#reader = new TextFile(path);
  }

  /** The validated document, or `null` when the file does not exist. */
  async read(): Promise<T | null> {
    let text: string | null;
    try {
      text = await this.#reader.read();
    } catch (error) {
      throw new DataFileError(this.path, [`(root): ${errorMessage(error)}`], 'cannot be read');
    }
    if (text === null) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new DataFileError(this.path, [`(root): not JSON (${errorMessage(error)})`], 'is corrupt');
    }
    return this.parse(raw);
  }

  async write(document: T): Promise<void> {
    await writeFileAtomically(this.path, `${JSON.stringify(document, null, 2)}\n`, this.operations);
  }
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// ---------------------------------------------------------------------------------------------
// The serialized document database, shared by the file and the in-memory variants.

/** What a unit of work decided: the next document to write (`null`: write nothing) and its result. */
export interface Transaction<T, R> {
  readonly next: T | null;
  readonly result: R;
}

export class DocumentDatabase<T> {
  readonly #low: Low<T>;
  #committed: T;
  #writesPerformed: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(low: Low<T>, writesAlreadyPerformed = 0) {
    this.#low = low;
    this.#committed = low.data;
    this.#writesPerformed = writesAlreadyPerformed;
  }

  /** The last successfully written document. Never a document whose write is still in flight. */
  get current(): T {
    return this.#committed;
  }

  /** Successful writes since the database was opened (creating a missing file counts as one). */
  get writesPerformed(): number {
    return this.#writesPerformed;
  }

  /**
   * Runs `work` after every earlier transaction has finished, against the then-current document, and
   * writes its `next` document once. If `work` throws or the write fails, nothing changes and the
   * promise rejects; later transactions still run.
   */
  transact<R>(work: (current: T) => Transaction<T, R>): Promise<R> {
    const run = async (): Promise<R> => {
      const { next, result } = work(this.#committed);
      if (next === null) return result;
      this.#low.data = next;
      try {
        await this.#low.write();
      } catch (error) {
        this.#low.data = this.#committed;
        throw error;
      }
      this.#committed = next;
      this.#writesPerformed += 1;
      return result;
    };
    const outcome = this.#queue.then(run);
    this.#queue = outcome.catch(() => undefined);
    return outcome;
  }

  /** `transact` for callers that always write and need no result. */
  update(change: (current: T) => T): Promise<void> {
    return this.transact((current) => ({ next: change(current), result: undefined }));
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
  const adapter = new ValidatedJsonFile<T>(path, parse, { ...nodeFileWriteOperations, ...options.operations });
  const existing = await adapter.read();
  if (existing !== null) return new DocumentDatabase(new Low(adapter, existing));

  const seeded = parse(await options.seed(), 'cannot be created: the seed document is invalid');
  await mkdir(dirname(path), { recursive: true });
  const low = new Low(adapter, seeded);
  await low.write();
  return new DocumentDatabase(low, 1);
}

/** The same database kept only in memory (lowdb's `Memory` adapter): for tests and dry runs. */
export function inMemoryDocumentDatabase<T>(document: T): DocumentDatabase<T> {
  return new DocumentDatabase(new Low(new Memory<T>(), document));
}
