// The job repository contract on the data file and on PostgreSQL; and what only PostgreSQL must add: two
// instances creating jobs at once get different ids and keep every job.
import { describe, expect, it } from 'vitest';
import { PostgresJobRepository } from '../../src/postgres/jobs-repository.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentJobRepository } from '../../src/store/jobs-repository.js';
import { exampleDocument } from '../support/fixtures.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';
import { describeJobRepositoryContract, jobRecord } from './jobs-repository.contract.js';

const postgres = usePostgresForTests();

describeJobRepositoryContract('data file', async () => new DocumentJobRepository(createInMemoryEmailConfigStore(await exampleDocument())));
describeJobRepositoryContract('PostgreSQL', async () => {
  const { pool } = await postgres.migratedDatabase();
  return new PostgresJobRepository(pool);
});

describe('jobs shared by two instances on PostgreSQL', () => {
  it('gives 100 jobs created at once by two instances 100 different ids, and keeps them all', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const instances = [new PostgresJobRepository(database.pool), new PostgresJobRepository(other)];
    await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        const instance = instances[index % 2];
        if (instance === undefined) throw new Error('no instance');
        await instance.create(jobRecord(await instance.nextJobId()), 1_000);
      }),
    );
    const jobs = await instances[1]?.jobs();
    expect(new Set(jobs?.map((job) => job.id)).size).toBe(100);
  });
});
