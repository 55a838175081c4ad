-- Idempotency keys of the record batches written to Dynamics 365 (IntentBatch.idempotencyKey): an instance that
-- settles a batch another instance left in doubt (a Test & Enable batch, an approval decision) asks here whether
-- it was applied. Keys older than a week are deleted as new ones arrive.
CREATE TABLE applied_batches (
  key        text        PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX applied_batches_applied_at ON applied_batches (applied_at);
