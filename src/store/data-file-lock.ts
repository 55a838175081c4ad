// One process per data file: `<DATA_FILE>.lock` holds the process id of the bot that has the file open.
//
// Why: two processes appending to one journal (or one compacting while the other appends) lose each
// other's commits without any error. The lock is created atomically with its content (written to a temp
// file, fsynced, then hard-linked to the lock's name, which fails if it exists), so another process never
// reads a half-written lock. A lock whose process is gone (a crash, a power cut, `kill -9`) is stale and
// taken over. A lock naming this very process is taken over too: either this process has the file open
// already (tests reopen a file to simulate a restart) or an earlier process had the same pid, which is
// usual in containers where the bot always runs as pid 1.
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DataFileError } from './data-file-error.js';

export const lockPathOf = (dataPath: string): string => `${dataPath}.lock`;

/** A held lock. `release` is idempotent and removes the lock file once nothing in this process holds it. */
export interface DataFileLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Locks this process holds, by absolute lock path, with how many open databases share each. */
const heldByThisProcess = new Map<string, number>();

const TAKE_OVER_ATTEMPTS = 5;

/**
 * Takes the lock of the data file at `dataPath` (its directory must exist), or throws `DataFileError`
 * naming the process that has it.
 */
export async function lockDataFile(dataPath: string): Promise<DataFileLock> {
  const lockPath = lockPathOf(dataPath);
  const key = resolve(lockPath);
  const shared = heldByThisProcess.get(key);
  if (shared !== undefined) {
    heldByThisProcess.set(key, shared + 1);
    return heldLock(lockPath, key);
  }
  const content = `${process.pid}\n`;
  for (let attempt = 0; attempt < TAKE_OVER_ATTEMPTS; attempt++) {
    if (await createWithContent(lockPath, content)) {
      heldByThisProcess.set(key, 1);
      return heldLock(lockPath, key);
    }
    const text = await readLockText(lockPath);
    if (text === null) continue; // released meanwhile
    const holder = /^([1-9]\d*)\n?$/.exec(text)?.[1];
    if (holder === undefined) {
      throw new DataFileError(dataPath, [`${lockPath} holds ${JSON.stringify(text.slice(0, 40))} instead of a process id. If no bot is using ${dataPath}, delete ${lockPath}.`], 'is locked');
    }
    const pid = Number(holder);
    if (pid !== process.pid && isRunning(pid)) {
      throw new DataFileError(
        dataPath,
        [`process ${pid} has it open (see ${lockPath}). Stop that bot first: two processes writing one data file lose each other's changes.`],
        'is in use by another process',
      );
    }
    await takeOverStaleLock(lockPath, text);
  }
  throw new DataFileError(dataPath, [`${lockPath} kept changing hands; try again.`], 'is in use by another process');
}

function heldLock(path: string, key: string): DataFileLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      const holders = (heldByThisProcess.get(key) ?? 1) - 1;
      if (holders > 0) {
        heldByThisProcess.set(key, holders);
        return;
      }
      heldByThisProcess.delete(key);
      // Only our own lock is removed: never one a later process took over after a stale-lock decision.
      const text = await readFile(path, 'utf8').catch(() => null);
      if (text === `${process.pid}\n`) await rm(path, { force: true });
    },
  };
}

/** The lock file's content, or `null` when it does not exist (any longer). */
async function readLockText(lockPath: string): Promise<string | null> {
  try {
    return await readFile(lockPath, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}

/** Creates `path` holding `content`, or answers false when it exists. Never leaves a partial file at `path`. */
async function createWithContent(path: string, content: string): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path).catch(async (error: unknown) => {
      if (isCode(error, 'EEXIST')) throw error;
      // A file system without hard links: an exclusive create, whose short empty moment a reader may see.
      await writeFile(path, content, { flag: 'wx' });
    });
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw new DataFileError(path, [`(root): ${error instanceof Error ? error.message : String(error)}`], 'cannot be created');
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Moves the stale lock aside. If another process took it over between our read and the move, what was
 * moved is that process's live lock: it is put back, and the next attempt sees it.
 */
async function takeOverStaleLock(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Whether a process with this id exists (EPERM: it exists but belongs to another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isCode(error, 'EPERM');
  }
}

const isCode = (error: unknown, code: string): boolean => error instanceof Error && 'code' in error && error.code === code;
