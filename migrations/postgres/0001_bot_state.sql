-- The bot's own state (issue "Several bot instances on PostgreSQL"). The organization's records are not here:
-- they belong to the backend (Dataverse in production). Every row that instances race for carries a version
-- for compare-and-set (UPDATE ... WHERE version = $expected; 0 rows = a conflict).

-- Test & Enable jobs. Ids come from a sequence, so they are unique across instances.
CREATE TABLE jobs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  requested_by   text        NOT NULL,
  title          text        NOT NULL,
  origin         text        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'cancelled')),
  options        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  progress_card  jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  version        integer     NOT NULL DEFAULT 1
);

-- One row per mailbox of a job: the unit an instance claims (FOR UPDATE SKIP LOCKED) and tests.
CREATE TABLE job_mailboxes (
  job_id         bigint      NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  mailbox_id     text        NOT NULL,
  state          text        NOT NULL CHECK (state IN ('waiting', 'claimed', 'scheduled', 'succeeded', 'retrying', 'failed')),
  attempts       integer     NOT NULL DEFAULT 0,
  claimed_by     text,
  claimed_until  timestamptz,
  next_attempt_at timestamptz,
  result         jsonb,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, mailbox_id)
);
CREATE INDEX job_mailboxes_claimable ON job_mailboxes (job_id, next_attempt_at) WHERE state IN ('waiting', 'retrying');

-- Approval requests and their single decision.
CREATE TABLE approval_requests (
  id             text        PRIMARY KEY,
  mailbox_id     text        NOT NULL,
  owner_type     text        NOT NULL CHECK (owner_type IN ('systemuser', 'queue')),
  owner_id       text        NOT NULL,
  requested_by   text        NOT NULL,
  requested_at   timestamptz NOT NULL,
  status         text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
  decided_by     text,
  decided_at     timestamptz,
  reason         text,
  comment        text,
  previous_request_id text REFERENCES approval_requests (id),
  cards          jsonb       NOT NULL DEFAULT '[]'::jsonb,
  version        integer     NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX approval_requests_one_pending_per_mailbox ON approval_requests (mailbox_id) WHERE status = 'pending';

-- Where each person or channel can be reached proactively.
CREATE TABLE conversation_references (
  conversation_key text        PRIMARY KEY,
  tenant_id        text        NOT NULL,
  aad_object_id    text,
  reference        jsonb       NOT NULL,
  active           boolean     NOT NULL DEFAULT true,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_references_person ON conversation_references (tenant_id, aad_object_id) WHERE aad_object_id IS NOT NULL;

-- Proactive messages: one row per message, sent exactly once (idempotency key), claimed with SKIP LOCKED.
CREATE TABLE outbox_messages (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key  text        NOT NULL UNIQUE,
  conversation_key text        NOT NULL,
  tenant_id        text        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('send', 'update')),
  payload          jsonb       NOT NULL,
  state            text        NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
  attempts         integer     NOT NULL DEFAULT 0,
  not_before       timestamptz NOT NULL DEFAULT now(),
  claimed_by       text,
  claimed_until    timestamptz,
  sent_activity_id text,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_due ON outbox_messages (not_before) WHERE state = 'pending';

-- Teams' rate limits, shared by every instance: sends counted per scope (a conversation, the tenant) and window.
CREATE TABLE rate_limit_windows (
  scope        text        NOT NULL,
  window_start timestamptz NOT NULL,
  sends        integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, window_start)
);

-- Who did what, append-only.
CREATE TABLE audit_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor       text        NOT NULL,
  action      text        NOT NULL,
  target      text,
  details     jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_entries_recent ON audit_entries (at DESC);

-- Domain events written in the same transaction as the change that caused them, dispatched once.
CREATE TABLE domain_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type          text        NOT NULL,
  payload       jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX domain_events_undispatched ON domain_events (id) WHERE dispatched_at IS NULL;
