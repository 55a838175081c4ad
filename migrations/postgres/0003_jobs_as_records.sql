-- Test & Enable jobs as the job repository keeps them (src/app/jobs/ports.ts): the job record as jsonb, its
-- number from a sequence (ids unique across instances, never reused), and the alert subscriptions. Replaces
-- the first sketch of the job tables from 0001, which no code used (they held no data).
DROP TABLE job_mailboxes;
DROP TABLE jobs;

CREATE SEQUENCE job_numbers AS bigint;

CREATE TABLE jobs (
  id         text        PRIMARY KEY,
  number     bigint      NOT NULL UNIQUE,
  status     text        NOT NULL,
  record     jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The whole list in one row: every change is a read-modify-write under that row's lock.
CREATE TABLE alert_subscriptions (
  singleton     boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  subscriptions jsonb       NOT NULL DEFAULT '[]'::jsonb,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO alert_subscriptions DEFAULT VALUES;
