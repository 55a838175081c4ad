import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentSerializer, serializeDocument } from '../../src/store/json-file.js';
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

  it('writes, when reusing the blocks of earlier documents, exactly what a fresh serializer writes', () => {
    const serializer = new DocumentSerializer();
    const records = Array.from({ length: 600 }, (_, index) => ({ id: `r${index}`, value: index }));
    const base = { schemaVersion: 1, records, nested: { outbox: records.slice(0, 10) } };
    const changedInMiddle = { ...base, records: records.map((record, index) => (index === 300 ? { ...record, value: -1 } : record)) };
    const appended = { ...changedInMiddle, records: [...changedInMiddle.records, { id: 'r600', value: 600 }] };
    const shortened = { schemaVersion: 1, records: appended.records.slice(0, 5) };
    for (const document of [base, base, changedInMiddle, appended, shortened, base]) {
      expect(serializer.serialize(document).toString('utf8')).toBe(serializeDocument(document).toString('utf8'));
    }
    expect(parsed(serializer.serialize(appended))).toEqual(JSON.parse(JSON.stringify(appended)));
  });

  it('writes the new content of a replaced record although the text of the old one was remembered', async () => {
    const dataPath = join(directory, 'data.json');
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(2), { groupCommit: true });
    await store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 3, name: 'Renamed Person' })] });
    await store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 1, name: 'Renamed Again' })] });

    await store.compact();
    const onDisk: unknown = JSON.parse(await readFile(dataPath, 'utf8'));
    const expected: unknown = JSON.parse(JSON.stringify(store.document()));
    expect(onDisk).toEqual({ snapshotId: expect.any(String) as unknown, ...(expected as object) });
    expect(onDisk).toMatchObject({ mailboxes: [{ id: 'mbx-0001', version: 1 }, { id: 'mbx-0002', name: 'Renamed Again', emailRouterAccessApproval: 1, version: 3 }] });
  });
});
