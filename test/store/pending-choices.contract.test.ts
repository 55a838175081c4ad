// The pending-choice repository contract on the process's own memory (the data file's single process) and on
// PostgreSQL; and what only PostgreSQL must add: a confirmation made on one instance is found by another, and two
// Confirm clicks at once on two instances run the write once.
import { describe, expect, it } from 'vitest';
import type { PendingChoice, PendingChoiceRepository } from '../../src/app/ports/pending-choices.js';
import { PendingChoices } from '../../src/bot/handlers/choices.js';
import { CONFIRMATION_TTL_MS } from '../../src/domain/confirmation.js';
import type { User } from '../../src/domain/model.js';
import { PostgresPendingChoiceRepository } from '../../src/postgres/pending-choices.js';
import { InProcessPendingChoiceRepository } from '../../src/store/pending-choices.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';

const postgres = usePostgresForTests();

const confirmation = (id: string, overrides: Partial<PendingChoice> = {}): PendingChoice => ({
  kind: 'confirmation',
  id,
  ownerAadObjectId: 'aad-ada',
  ownerName: 'Ada Admin',
  commandText: 'test mailboxes all',
  reachedBy: 'typed',
  fingerprint: 'f-1',
  expiresAt: Date.UTC(2026, 11, 6, 12, 10),
  conversationId: 'a:personal-ada',
  ...overrides,
});

function describePendingChoiceContract(name: string, open: () => Promise<PendingChoiceRepository>): void {
  describe(`PendingChoiceRepository contract: ${name}`, () => {
    it('finds a saved choice as it was saved, and nothing for an id never saved', async () => {
      const repository = await open();
      const suggestion: PendingChoice = { kind: 'suggestion', id: 'S-1', ownerAadObjectId: 'aad-ada', ownerName: 'Ada Admin', commandText: 'approve mailbox cody@contoso.com', expiresAt: 1_000, conversationId: 'c-1' };
      await repository.save(confirmation('C-1'));
      await repository.save(suggestion);
      expect(await repository.find('C-1')).toEqual({ used: false, choice: confirmation('C-1') });
      expect(await repository.find('S-1')).toEqual({ used: false, choice: suggestion });
      expect(await repository.find('C-never')).toBeUndefined();
    });

    it('uses a choice up once: the first markUsed says yes, every later one no, and find says used', async () => {
      const repository = await open();
      await repository.save(confirmation('C-2'));
      expect(await repository.markUsed('C-2')).toBe(true);
      expect(await repository.markUsed('C-2')).toBe(false);
      expect(await repository.find('C-2')).toEqual({ used: true });
      expect(await repository.markUsed('C-unknown')).toBe(false);
    });
  });
}

describePendingChoiceContract('in the process', () => Promise.resolve(new InProcessPendingChoiceRepository()));

describePendingChoiceContract('PostgreSQL', async () => {
  const { pool } = await postgres.migratedDatabase();
  return new PostgresPendingChoiceRepository(pool);
});

describe('pending choices shared by two instances on PostgreSQL', () => {
  const person = (name: string): User => ({
    id: `user-${name}`,
    aadObjectId: `aad-${name}`,
    fullName: name,
    primaryEmail: `${name}@contoso.com`,
    userPrincipalName: `${name}@contoso.com`,
    businessUnitId: 'bu-root',
    office365Roles: [],
    securityRoleIds: [],
    isServiceAdministrator: false,
    active: true,
  });
  const ada = person('ada');
  const clock = { now: () => new Date(Date.UTC(2026, 11, 6, 12, 0)) };

  it('a confirmation opened on one instance is taken on the other, once, however many clicks arrive together', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const [first, second] = [new PendingChoices(clock, new PostgresPendingChoiceRepository(database.pool)), new PendingChoices(clock, new PostgresPendingChoiceRepository(other))];
    const opened = await first.openConfirmation({ owner: ada, commandText: 'test mailboxes all', reachedBy: 'typed', fingerprint: 'f-9', conversationId: 'a:personal-ada' });
    expect(opened.expiresAt).toBe(clock.now().getTime() + CONFIRMATION_TTL_MS);

    const clicks = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? first : second).takeConfirmation(opened.id, ada, 'a:personal-ada')));
    expect(clicks.filter((click) => click.ok)).toHaveLength(1);
    expect(clicks.filter((click) => !click.ok).map((click) => (click.ok ? '' : click.refusal))).toEqual(Array.from({ length: 19 }, () => 'used'));
    expect(clicks.find((click) => click.ok)).toEqual({ ok: true, choice: opened });
  });

  it("someone else's click on another instance leaves the confirmation open for its owner", async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const [first, second] = [new PendingChoices(clock, new PostgresPendingChoiceRepository(database.pool)), new PendingChoices(clock, new PostgresPendingChoiceRepository(other))];
    const opened = await first.openConfirmation({ owner: ada, commandText: 'test mailboxes all', reachedBy: 'typed', fingerprint: 'f-9', conversationId: 'a:personal-ada' });
    const bob = person('bob');
    expect(await second.takeConfirmation(opened.id, bob, 'a:personal-ada')).toMatchObject({ ok: false, refusal: 'someoneElse' });
    expect(await second.takeConfirmation(opened.id, ada, 'a:personal-ada')).toMatchObject({ ok: true });
  });

  it('a suggestion offered while a card renders is found on the other instance once saved', async () => {
    const database = await postgres.migratedDatabase();
    const other = await database.open();
    const [first, second] = [new PendingChoices(clock, new PostgresPendingChoiceRepository(database.pool)), new PendingChoices(clock, new PostgresPendingChoiceRepository(other))];
    const offered = first.offerSuggestion({ owner: ada, commandText: 'approve mailbox cody@contoso.com', conversationId: 'a:personal-ada' });
    await offered.saved;
    expect(await second.findSuggestion(offered.id, ada, 'a:personal-ada')).toMatchObject({ ok: true, choice: { commandText: 'approve mailbox cody@contoso.com' } });
    expect(await second.findSuggestion(offered.id, ada, 'a:other-chat')).toMatchObject({ ok: false, refusal: 'otherConversation' });
  });

  it('refuses a malformed choice with a specific error and stores nothing', async () => {
    const { pool } = await postgres.migratedDatabase();
    const repository = new PostgresPendingChoiceRepository(pool);
    await expect(repository.save(confirmation('C-bad', { conversationId: '' }))).rejects.toThrow(/choice C-bad not saved: .*conversationId/);
    expect(await repository.find('C-bad')).toBeUndefined();
  });
});
