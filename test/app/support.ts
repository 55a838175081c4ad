// Shared set-up for the use-case tests: an in-memory store from a builder organization (or the demo
// organization file), a fixed clock, predictable ids and an event recorder.
import { vi, type MockInstance } from 'vitest';
import type { Requester, UseCaseContext } from '../../src/app/context.js';
import type { AppEvent, AppEvents } from '../../src/app/events.js';
import type { Clock, IdGenerator, OrganizationRecords } from '../../src/app/ports.js';
import { createInMemoryEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { DATA_FILE_SCHEMA_VERSION, type DataFileDocument } from '../../src/store/schema.js';
import type { BuiltOrg } from '../support/org-builder.js';

export const NOW = '2025-03-01T09:00:00.000Z';
export const TENANT_ID = '7a1d2c3b-0000-4000-8000-00000000c0de';

export const fixedClock = (iso: string = NOW): Clock => ({ now: () => new Date(iso) });

/** `audit-1`, `audit-2`, …: one counter per prefix, so tests can name the ids they expect. */
export function sequentialIds(): IdGenerator {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}-${next}`;
    },
  };
}

export interface RecordedEvents extends AppEvents {
  readonly published: AppEvent[];
}

export function recordEvents(): RecordedEvents {
  const published: AppEvent[] = [];
  return { published, publish: (event) => void published.push(event) };
}

/** A GUID per builder user, so the data-file schema (which wants Entra object ids) accepts them. */
const entraIdFor = (index: number): string => `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;

/** The data-file document of a builder organization, with GUIDs where the file format requires them. */
export function documentFromOrg(org: BuiltOrg): DataFileDocument {
  return {
    schemaVersion: DATA_FILE_SCHEMA_VERSION,
    notify: { references: [], outbox: [] },
    organization: { ...org.organization, tenantId: TENANT_ID, exchangeOnline: { ...org.organization.exchangeOnline, tenantId: org.organization.exchangeOnline.subscribed ? TENANT_ID : null } },
    businessUnits: [...org.businessUnits],
    securityRoles: [...org.securityRoles],
    users: org.users.map((user, index) => ({ ...user, aadObjectId: entraIdFor(index), office365Roles: [...user.office365Roles], securityRoleIds: [...user.securityRoleIds] })),
    queues: [...org.queues],
    profiles: [...org.profiles],
    mailboxes: [...org.mailboxes],
    alerts: [],
    audit: [],
    exchangeSimulation: { tenantId: TENANT_ID, credentialsValid: true, latencyMs: 0, mailboxes: [] },
  };
}

export interface Harness {
  readonly context: UseCaseContext;
  readonly store: DocumentEmailConfigStore;
  readonly events: RecordedEvents;
  readonly records: EmbeddedOrganizationRecords;
  /** Spy on the write port (`records.apply`), installed before any call: one call is one write. */
  readonly commit: MockInstance<OrganizationRecords['apply']>;
  /** The user with this id, as the bot would resolve the requester. */
  readonly user: (id: string) => Requester;
}

export function harness(document: DataFileDocument): Harness {
  const store = createInMemoryEmailConfigStore(document);
  const records = new EmbeddedOrganizationRecords(store);
  const events = recordEvents();
  const commit = vi.spyOn(records, 'apply');
  return {
    context: { records, auditLog: records, clock: fixedClock(), ids: sequentialIds(), events },
    store,
    records,
    events,
    commit,
    user: (id) => {
      const user = store.userById(id);
      if (user === undefined) throw new Error(`No user "${id}" in this test organization`);
      return user;
    },
  };
}

export const harnessForOrg = (org: BuiltOrg): Harness => harness(documentFromOrg(org));

/** Unwraps an ok result or fails the test with the error it carried. */
export function expectOk<T, E>(result: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E }): T {
  if (!result.ok) throw new Error(`expected ok, got error ${JSON.stringify(result.error)}`);
  return result.value;
}

/** Unwraps an error result or fails the test with the value it carried. */
export function expectErr<T, E>(result: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E }): E {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}
