import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { serializeDocument } from '../../src/store/json-file.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'serialization-test-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const parsed = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));

describe('data-file serialization', () => {
  it('produces the same JSON value as JSON.stringify, leaving out undefined members and honouring toJSON', () => {
    const document = {
      schemaVersion: 1,
      missing: undefined,
      when: new Date('2025-01-31T09:30:00Z'),
      empty: [],
      nested: { outbox: [{ key: 'a', note: 'naïve “quotes” \u2028 and \\ backslash' }, { key: 'b', skipped: undefined }], count: 2 },
      records: [{ id: 'r1', tags: ['x', 'y'] }, null, 3, 'text'],
      settings: { deep: { deeper: [1, 2, 3] } },
    };
    expect(parsed(serializeDocument(document))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('puts each record of an array section on its own line, so a record can be found with grep', () => {
    const text = serializeDocument(documentWithMailboxes(3)).toString('utf8');
    const mailboxLines = text.split('\n').filter((line) => line.includes('"emailAddress":"person000'));
    expect(mailboxLines).toHaveLength(3);
    const idOfLine = (line: string): string => z.object({ id: z.string() }).loose().parse(JSON.parse(line.trim().replace(/,$/, ''))).id;
    expect(mailboxLines.map(idOfLine)).toEqual(['mbx-0001', 'mbx-0002', 'mbx-0003']);
  });

  it('writes the latest content of records replaced twice into the snapshot a compaction makes', async () => {
    const dataPath = join(directory, 'data.json');
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(2), { groupCommit: true });
    await store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 3, name: 'Renamed Person' })] });
    await store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 1, name: 'Renamed Again' })] });

    await store.compact();
    const onDisk: unknown = JSON.parse(await readFile(dataPath, 'utf8'));
    const expected: unknown = JSON.parse(JSON.stringify(store.document()));
    expect(onDisk).toEqual({ snapshotId: expect.any(String) as unknown, compactedFrom: expect.any(String) as unknown, ...(expected as object) });
    expect(onDisk).toMatchObject({ mailboxes: [{ id: 'mbx-0001', version: 1 }, { id: 'mbx-0002', name: 'Renamed Again', emailRouterAccessApproval: 1, version: 3 }] });
  });
});
