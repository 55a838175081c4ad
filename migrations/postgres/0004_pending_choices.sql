-- Confirmations of previewed writes and suggested commands, behind the ids their cards carry: a click may reach
-- any instance, so every instance finds them here. A confirmation is used once (`used`, set by one UPDATE).
CREATE TABLE pending_choices (
  id         text        PRIMARY KEY,
  choice     jsonb       NOT NULL,
  expires_at timestamptz NOT NULL,
  used       boolean     NOT NULL DEFAULT false
);

-- Expired choices are deleted a day after they expired (a later click is answered "no longer known").
CREATE INDEX pending_choices_expires_at ON pending_choices (expires_at);
