-- The bot's state as the repositories keep it: each row holds the record the application port speaks (jsonb,
-- parsed with zod on the way out), next to the columns that instances race for, query or constrain. Replaces
-- the first sketch of these tables from 0001, which no code used yet (they held no data).
DROP TABLE approval_requests;
DROP TABLE conversation_references;
DROP TABLE outbox_messages;
DROP TABLE rate_limit_windows;
DROP TABLE audit_entries;
DROP TABLE domain_events;

-- Approval requests. `position` keeps "oldest first" across instances; one pending request per mailbox.
CREATE TABLE approval_requests (
  id          text        PRIMARY KEY,
  position    bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  mailbox_id  text        NOT NULL,
  status      text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
  record      jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approval_requests_by_mailbox ON approval_requests (mailbox_id);

-- Where each person or channel can be reached proactively (the record of src/app/conversation-reference-records.ts).
CREATE TABLE conversation_references (
  conversation_id text        PRIMARY KEY,
  position        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  tenant_id       text,
  aad_object_id   text,
  record          jsonb       NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_references_person ON conversation_references (tenant_id, lower(aad_object_id)) WHERE aad_object_id IS NOT NULL;

-- Proactive messages. The idempotency key is unique for good (rows are never deleted); `position` is enqueue
-- order, which per-conversation delivery follows. An instance sends an entry only while it holds its claim.
CREATE TABLE outbox_messages (
  idempotency_key text        PRIMARY KEY,
  position        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  conversation_id text,
  state           text        NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
  record          jsonb       NOT NULL,
  claimed_by      text,
  claimed_until   timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_pending ON outbox_messages (conversation_id, position) WHERE state = 'pending';

-- Teams' rate limits for the sum of all instances: one row per send, per scope (a conversation, the app in a
-- tenant); a send is admitted only while every window of every scope has room, under a per-scope lock.
CREATE TABLE rate_limit_sends (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope      text        NOT NULL,
  started_at timestamptz NOT NULL,
  completed_at timestamptz
);
CREATE INDEX rate_limit_sends_by_scope ON rate_limit_sends (scope, started_at);

-- Who did what, append-only. The entry's own id is unique, so appending the same entry twice stores it once.
CREATE TABLE audit_entries (
  position  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id        text        NOT NULL UNIQUE,
  at        timestamptz NOT NULL,
  entry     jsonb       NOT NULL
);
CREATE INDEX audit_entries_recent ON audit_entries (at DESC, position DESC);

-- Domain events, numbered by a sequence (never reused), and each consumer's position. A consumer is dispatched
-- by one instance at a time: the one holding its lease.
CREATE TABLE domain_events (
  sequence   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event      jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE event_consumers (
  consumer           text        PRIMARY KEY,
  dispatched_through bigint      NOT NULL DEFAULT 0,
  leased_by          text,
  leased_until       timestamptz
);
