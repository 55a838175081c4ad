// Conversation references, the outbox and Teams' rate-limit windows in PostgreSQL, shared by every instance.
// - An entry's key is its primary key: `insertNew` keeps whichever instance's entry came first.
// - A sent or dead entry is final: no later save moves it back to pending.
// - Only the oldest pending entry of a conversation can be claimed, and only by one instance at a time
//   (a claim lapses after its lease, so a killed instance's conversations are taken over).
// - `admit` counts every instance's requests per scope (a conversation; the app in a tenant) under a
//   transaction-scoped lock on each scope, so the limits hold for the sum of the instances.
import type pg from 'pg';
import { z } from 'zod';
import { conversationReferenceRecordSchema, type ConversationReferenceRecord } from '../app/conversation-reference-records.js';
import type { NotifyChanges, NotifyRepository, NotifyState, SharedAdmission, SharedOutboxClaim, SharedOutboxCoordination, SharedRateWindow } from '../app/notify-state.js';
import { outboxEntryRecordSchema, type OutboxEntryRecord } from '../app/outbox-records.js';
import { describeIssues } from '../shared/zod-problems.js';
import { inTransaction } from './transaction.js';

export class InvalidNotifyRecordError extends Error {
  override readonly name = 'InvalidNotifyRecordError';
}

const referencesSchema = z.array(conversationReferenceRecordSchema);
const entriesSchema = z.array(outboxEntryRecordSchema);

function parsed<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidNotifyRecordError(`${where}: ${describeIssues(result.error, { root: null }).join('; ')}`);
  return result.data;
}

const UPSERT_REFERENCES = `
  INSERT INTO conversation_references (conversation_id, tenant_id, aad_object_id, record)
  SELECT r->>'conversationId', r->>'tenantId', r->>'aadObjectId', r FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n
  ON CONFLICT (conversation_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, aad_object_id = EXCLUDED.aad_object_id, record = EXCLUDED.record, updated_at = now()`;

// A final state (sent, dead) is never overwritten; leaving pending drops the claim.
const UPSERT_ENTRIES = `
  INSERT INTO outbox_messages (idempotency_key, conversation_id, state, record)
  SELECT r->>'idempotencyKey', r->>'conversationId', r->>'state', r FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n
  ON CONFLICT (idempotency_key) DO UPDATE SET conversation_id = EXCLUDED.conversation_id, state = EXCLUDED.state, record = EXCLUDED.record, updated_at = now(),
    claimed_by = CASE WHEN EXCLUDED.state = 'pending' THEN outbox_messages.claimed_by END,
    claimed_until = CASE WHEN EXCLUDED.state = 'pending' THEN outbox_messages.claimed_until END
  WHERE outbox_messages.state = 'pending'`;

export interface PostgresNotifyOptions {
  /** Unique per process: who holds a claim. */
  readonly instanceId: string;
}

export class PostgresNotifyRepository implements NotifyRepository, SharedOutboxCoordination {
  readonly instanceId: string;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresNotifyOptions,
  ) {
    this.instanceId = options.instanceId;
  }

  async load(): Promise<NotifyState> {
    const [references, outbox] = await Promise.all([
      this.pool.query<{ record: unknown }>('SELECT record FROM conversation_references ORDER BY position'),
      this.pool.query<{ record: unknown }>('SELECT record FROM outbox_messages ORDER BY position'),
    ]);
    return {
      references: parsed(referencesSchema, references.rows.map((row) => row.record), 'conversation_references'),
      outbox: parsed(entriesSchema, outbox.rows.map((row) => row.record), 'outbox_messages'),
    };
  }

  async save(changes: NotifyChanges): Promise<void> {
    const references = parsed(referencesSchema, changes.references ?? [], 'conversation references not saved');
    const outbox = parsed(entriesSchema, changes.outbox ?? [], 'outbox entries not saved');
    if (references.length === 0 && outbox.length === 0) return;
    await inTransaction(this.pool, async (client) => {
      if (references.length > 0) await client.query(UPSERT_REFERENCES, [JSON.stringify(references)]);
      if (outbox.length > 0) await client.query(UPSERT_ENTRIES, [JSON.stringify(outbox)]);
    });
  }

  async insertNew(entries: readonly OutboxEntryRecord[]): Promise<{ readonly existing: readonly OutboxEntryRecord[] }> {
    const records = parsed(entriesSchema, entries, 'outbox entries not saved');
    if (records.length === 0) return { existing: [] };
    const { rows } = await this.pool.query<{ key: string }>(
      `INSERT INTO outbox_messages (idempotency_key, conversation_id, state, record)
       SELECT r->>'idempotencyKey', r->>'conversationId', r->>'state', r FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING idempotency_key AS key`,
      [JSON.stringify(records)],
    );
    const inserted = new Set(rows.map((row) => row.key));
    const taken = records.filter((record) => !inserted.has(record.idempotencyKey)).map((record) => record.idempotencyKey);
    return { existing: taken.length === 0 ? [] : await this.entries(taken) };
  }

  async claimHead(conversationId: string, leaseMs: number): Promise<SharedOutboxClaim> {
    const { rows } = await this.pool.query<{ record: unknown; mine: boolean }>(
      `WITH head AS (
         SELECT idempotency_key, claimed_by, claimed_until FROM outbox_messages
         WHERE conversation_id = $1 AND state = 'pending' ORDER BY position LIMIT 1 FOR UPDATE
       ), claimed AS (
         UPDATE outbox_messages o SET claimed_by = $2, claimed_until = clock_timestamp() + make_interval(secs => $3)
         FROM head WHERE o.idempotency_key = head.idempotency_key
           AND (head.claimed_by IS NULL OR head.claimed_by = $2 OR head.claimed_until < clock_timestamp())
         RETURNING o.record
       )
       SELECT record, true AS mine FROM claimed
       UNION ALL SELECT NULL, false FROM head WHERE NOT EXISTS (SELECT 1 FROM claimed)`,
      [conversationId, this.instanceId, leaseMs / 1000],
    );
    const [row] = rows;
    if (row === undefined) return { kind: 'empty' };
    if (!row.mine) return { kind: 'busy' };
    return { kind: 'claimed', entry: parsed(outboxEntryRecordSchema, row.record, `outbox entry of ${conversationId}`) };
  }

  async pendingConversations(): Promise<readonly string[]> {
    const { rows } = await this.pool.query<{ conversation_id: string }>(
      "SELECT DISTINCT conversation_id FROM outbox_messages WHERE state = 'pending' AND conversation_id IS NOT NULL",
    );
    return rows.map((row) => row.conversation_id);
  }

  async settledEntries(idempotencyKeys: readonly string[]): Promise<readonly OutboxEntryRecord[]> {
    if (idempotencyKeys.length === 0) return [];
    const { rows } = await this.pool.query<{ record: unknown }>(
      "SELECT record FROM outbox_messages WHERE idempotency_key = ANY($1::text[]) AND state <> 'pending' ORDER BY position",
      [[...idempotencyKeys]],
    );
    return parsed(entriesSchema, rows.map((row) => row.record), 'outbox_messages');
  }

  /** The stored entries with these keys, in whatever state. */
  async entries(idempotencyKeys: readonly string[]): Promise<readonly OutboxEntryRecord[]> {
    if (idempotencyKeys.length === 0) return [];
    const { rows } = await this.pool.query<{ record: unknown }>('SELECT record FROM outbox_messages WHERE idempotency_key = ANY($1::text[]) ORDER BY position', [[...idempotencyKeys]]);
    return parsed(entriesSchema, rows.map((row) => row.record), 'outbox_messages');
  }

  async reference(lookup: { readonly tenantId: string; readonly aadObjectId: string } | { readonly conversationId: string }): Promise<ConversationReferenceRecord | undefined> {
    // A person's personal chat: prefer an active one, then the newest (as the registry does).
    const { rows } =
      'conversationId' in lookup
        ? await this.pool.query<{ record: unknown }>('SELECT record FROM conversation_references WHERE conversation_id = $1', [lookup.conversationId])
        : await this.pool.query<{ record: unknown }>(
            `SELECT record FROM conversation_references
             WHERE tenant_id = $1 AND lower(aad_object_id) = lower($2) AND record->>'conversationType' = 'personal'
             ORDER BY (record->>'active')::boolean DESC, record->>'updatedAt' DESC LIMIT 1`,
            [lookup.tenantId, lookup.aadObjectId],
          );
    return rows.length === 0 ? undefined : parsed(conversationReferenceRecordSchema, rows[0]?.record, 'conversation reference');
  }

  admit(scopes: readonly { readonly scope: string; readonly windows: readonly SharedRateWindow[] }[], inFlightTimeoutMs: number): Promise<SharedAdmission> {
    const ordered = [...scopes].sort((a, b) => a.scope.localeCompare(b.scope));
    return inTransaction(this.pool, async (client): Promise<SharedAdmission> => {
      // Always in the same order, so two instances admitting overlapping scopes never deadlock.
      for (const { scope } of ordered) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rate:${scope}`]);
      let waitMs = 0;
      let fullScope = '';
      for (const { scope, windows } of ordered) {
        const longest = Math.max(0, ...windows.map((window) => window.windowMs));
        // When each request of the longest window stopped occupying it (NULL: still in flight). A request of an
        // instance that died is taken as completed `inFlightTimeoutMs` after it started.
        const { rows } = await client.query<{ completed_ms: string | null; now_ms: string }>(
          `SELECT extract(epoch FROM effective) * 1000 AS completed_ms, extract(epoch FROM clock_timestamp()) * 1000 AS now_ms FROM (
             SELECT CASE WHEN completed_at IS NOT NULL THEN completed_at
                         WHEN started_at + make_interval(secs => $3) < clock_timestamp() THEN started_at + make_interval(secs => $3) END AS effective
             FROM rate_limit_sends WHERE scope = $1 AND started_at > clock_timestamp() - make_interval(secs => $2 + $3)
           ) s WHERE effective IS NULL OR effective > clock_timestamp() - make_interval(secs => $2)`,
          [scope, longest / 1000, inFlightTimeoutMs / 1000],
        );
        const now = Number(rows[0]?.now_ms ?? Date.now());
        for (const window of windows) {
          const occupying = rows
            .map((row) => (row.completed_ms === null ? Number.POSITIVE_INFINITY : Number(row.completed_ms)))
            .filter((completed) => completed > now - window.windowMs)
            .sort((a, b) => a - b);
          if (occupying.length < window.limit) continue;
          const freedAt = (occupying[occupying.length - window.limit] ?? Number.POSITIVE_INFINITY) + window.windowMs;
          // In flight: look again shortly (its completion is not known yet).
          const scopeWaitMs = Number.isFinite(freedAt) ? Math.max(1, freedAt - now) : 25;
          if (scopeWaitMs > waitMs) {
            waitMs = scopeWaitMs;
            fullScope = scope;
          }
        }
      }
      if (waitMs > 0) return { ok: false, waitMs, fullScope };
      const { rows } = await client.query<{ id: string }>(
        'INSERT INTO rate_limit_sends (scope, started_at) SELECT scope, clock_timestamp() FROM unnest($1::text[]) AS s(scope) RETURNING id',
        [ordered.map(({ scope }) => scope)],
      );
      const ids = rows.map((row) => row.id);
      return {
        ok: true,
        release: async () => {
          await this.pool.query('UPDATE rate_limit_sends SET completed_at = clock_timestamp() WHERE id = ANY($1::bigint[]) AND completed_at IS NULL', [ids]);
        },
      };
    });
  }

  /** Forgets sends older than every window (they no longer count anywhere). */
  async pruneRateHistory(olderThanMs: number): Promise<void> {
    await this.pool.query('DELETE FROM rate_limit_sends WHERE started_at < clock_timestamp() - make_interval(secs => $1)', [olderThanMs / 1000]);
  }
}
