// One process per data file: a second process is refused with a clear message, and the lock of a process
// that died is taken over. The second process is a real child process, not a second store in this one.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { lockPathOf } from '../../src/store/data-file-lock.js';
import { DataFileError, journalPathOf } from '../../src/store/json-file.js';
import { documentWithMailboxes } from './documents.js';
import { runTypeScript, type RunningChild } from './support/child-process.js';

const HOLDER = 'test/store/support/hold-data-file.ts';

let directory: string;
let dataPath: string;
const children: RunningChild[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'data-file-lock-'));
  dataPath = join(directory, 'data.json');
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  await rm(directory, { recursive: true, force: true });
});

const holder = (): RunningChild => {
  const child = runTypeScript(HOLDER, [dataPath]);
  children.push(child);
  return child;
};
const seed = () => documentWithMailboxes(2);
const filesOnDisk = async (): Promise<Record<string, string>> =>
  Object.fromEntries(await Promise.all((await readdir(directory)).map(async (name) => [name, await readFile(join(directory, name), 'utf8')] as const)));

describe('the data-file lock', () => {
  it('refuses a second process while this one has the file open, naming this process, and leaves the files alone', { timeout: 60_000 }, async () => {
    const store = await openEmailConfigStore(dataPath, seed);
    expect(await readFile(lockPathOf(dataPath), 'utf8')).toBe(`${process.pid}\n`);
    const before = await filesOnDisk();

    const second = holder();
    const { code } = await second.exited;
    expect(code).toBe(3);
    expect(second.stderr()).toContain(`${dataPath} is in use by another process:\n  - process ${process.pid} has it open (see ${lockPathOf(dataPath)}). Stop that bot first`);
    expect(second.stdout()).not.toContain('opened');
    expect(await filesOnDisk()).toEqual(before);

    // Once this process closes the file, the next one may open it.
    await store.close();
    expect(await readdir(directory)).not.toContain('data.json.lock');
    const third = holder();
    await third.waitForOutput(/opened by \d+/);
    third.process.stdin?.end();
    expect((await third.exited).code).toBe(0);
  });

  it('refuses this process while another one has the file open, and takes the lock over once that process has died', { timeout: 60_000 }, async () => {
    const other = holder();
    await other.waitForOutput(/opened by \d+/);
    await expect(openEmailConfigStore(dataPath, seed)).rejects.toThrow(`process ${other.pid} has it open`);
    await expect(openEmailConfigStore(dataPath, seed)).rejects.toBeInstanceOf(DataFileError);

    // kill -9: no chance to remove its lock, which now names a dead process.
    other.process.kill('SIGKILL');
    await other.exited;
    expect(await readFile(lockPathOf(dataPath), 'utf8')).toBe(`${other.pid}\n`);
    const store = await openEmailConfigStore(dataPath, () => {
      throw new Error('the file exists: no seed');
    });
    expect(await readFile(lockPathOf(dataPath), 'utf8')).toBe(`${process.pid}\n`);
    expect(store.mailboxes()).toHaveLength(2);
    await store.close();
    expect(await readdir(directory)).toEqual(['data.json', 'data.json.journal']);
  });

  it('takes over a lock naming this process id (an earlier process with the same pid, as pid 1 in a container)', async () => {
    await writeFile(lockPathOf(dataPath), `${process.pid}\n`);
    const store = await openEmailConfigStore(dataPath, seed);
    await store.close();
    expect(await readdir(directory)).toEqual(['data.json', 'data.json.journal']);
  });

  it('refuses a lock file that holds no process id, naming it, instead of guessing', async () => {
    await writeFile(lockPathOf(dataPath), 'garbage');
    await expect(openEmailConfigStore(dataPath, seed)).rejects.toThrow(`${dataPath} is locked:\n  - ${lockPathOf(dataPath)} holds "garbage" instead of a process id`);
    expect(await readdir(directory)).toEqual(['data.json.lock']);
  });

  it('removes temp files a crash left next to the data file and its journal, and nothing else', async () => {
    const leftovers = [`.data.json.4242.${crypto.randomUUID()}.tmp`, `.${'data.json.journal'}.1.${crypto.randomUUID()}.tmp`];
    const unrelated = ['.data.json.notes.tmp', `.other.json.4242.${crypto.randomUUID()}.tmp`];
    for (const name of [...leftovers, ...unrelated]) await writeFile(join(directory, name), '');
    const store = await openEmailConfigStore(dataPath, seed);
    await store.close();
    expect((await readdir(directory)).sort()).toEqual(['data.json', journalPathOf('data.json'), ...unrelated].sort());
  });
});
