// Pending choices in PostgreSQL: a Confirm or Cancel click, or a chosen suggestion, may reach any instance.
// A confirmation is used up by one conditional UPDATE, so two clicks at once (on two instances) get one yes.
import type pg from 'pg';
import { z } from 'zod';
import type { PendingChoice, PendingChoiceRepository, StoredChoice } from '../app/ports/pending-choices.js';
import { describeIssues } from '../shared/zod-problems.js';

const ownedFields = {
  id: z.string().min(1),
  ownerAadObjectId: z.string().min(1),
  ownerName: z.string(),
  commandText: z.string().min(1),
  expiresAt: z.number().int().nonnegative(),
  conversationId: z.string().min(1),
};

const pendingChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('confirmation'), ...ownedFields, reachedBy: z.enum(['typed', 'button', 'guess']), fingerprint: z.string() }).strict(),
  z.object({ kind: z.literal('suggestion'), ...ownedFields }).strict(),
]) satisfies z.ZodType<PendingChoice>;

/** A row someone edited by hand, or a choice the code built wrong: named, never stored or acted on half-read. */
export class InvalidPendingChoiceError extends Error {
  override readonly name = 'InvalidPendingChoiceError';
}

function parseChoice(value: unknown, where: string): PendingChoice {
  const parsed = pendingChoiceSchema.safeParse(value);
  if (!parsed.success) throw new InvalidPendingChoiceError(`${where}: ${describeIssues(parsed.error, { root: 'pending choice' }).join('; ')}`);
  return parsed.data;
}

export class PostgresPendingChoiceRepository implements PendingChoiceRepository {
  constructor(private readonly pool: pg.Pool) {}

  async save(choice: PendingChoice): Promise<void> {
    const parsed = parseChoice(choice, `choice ${choice.id} not saved`);
    await this.pool.query(
      // Choices that expired a day ago go with the next save (indexed; usually none).
      `WITH removed AS (DELETE FROM pending_choices WHERE expires_at < now() - interval '1 day')
       INSERT INTO pending_choices (id, choice, expires_at) VALUES ($1, $2::jsonb, $3) ON CONFLICT (id) DO NOTHING`,
      [parsed.id, JSON.stringify(parsed), new Date(parsed.expiresAt)],
    );
  }

  async find(id: string): Promise<StoredChoice | undefined> {
    const { rows } = await this.pool.query<{ choice: unknown; used: boolean }>('SELECT choice, used FROM pending_choices WHERE id = $1', [id]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return row.used ? { used: true } : { used: false, choice: parseChoice(row.choice, `pending_choices row ${id}`) };
  }

  async markUsed(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE pending_choices SET used = true WHERE id = $1 AND NOT used', [id]);
    return rowCount === 1;
  }
}
