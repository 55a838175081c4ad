// Cards reused per committed state of the organization's records: the same requester asking again gets the
// very same card, and any commit to the records a card shows makes the next answer fresh.
import { InProcessPendingChoiceRepository } from '../../../src/store/pending-choices.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withDirectoryRoles } from '../../../src/app/authorization.js';
import type { RoleDirectory } from '../../../src/app/role-directory.js';
import type { Office365Role } from '../../../src/domain/options.js';
import { parseCommand } from '../../../src/bot/commands/parser.js';
import { createCommandDispatcher } from '../../../src/bot/handlers/index.js';
import { STATE_CARD_ENTRIES, cardForState, stateCardCount } from '../../../src/bot/handlers/state-cards.js';
import type { AlertSubscriptions, TestAndEnableJobs } from '../../../src/bot/services.js';
import type { CommandRequest, Reply } from '../../../src/bot/turn-handler.js';
import type { AdaptiveCardJson } from '../../../src/cards/index.js';
import { domainError } from '../../../src/domain/errors.js';
import type { User } from '../../../src/domain/model.js';
import { err, ok } from '../../../src/domain/result.js';
import { startTestBot, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';

const noJobs: TestAndEnableJobs = {
  startJob: () => Promise.resolve(err(domainError('InvalidValue', 'no jobs in this test'))),
  reportProgressTo: () => Promise.resolve(),
  job: () => undefined,
  latestJobOf: () => undefined,
};
const noSubscriptions: AlertSubscriptions = {
  subscribe: () => Promise.resolve(err(domainError('InvalidValue', 'no subscriptions in this test'))),
  unsubscribe: () => Promise.resolve(err(domainError('InvalidValue', 'no subscriptions in this test'))),
};

const cardSaying = (text: string): AdaptiveCardJson => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  fallbackText: text,
  body: [{ type: 'TextBlock', text }],
});

describe('cards reused per state of the organization', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  async function ask(user: User, text: string): Promise<AdaptiveCardJson> {
    const dispatch = createCommandDispatcher({ ...t.bot.services, jobs: noJobs, subscriptions: noSubscriptions, pendingChoices: new InProcessPendingChoiceRepository() });
    const command = parseCommand(text, { scope: 'personal' });
    if (command.kind !== 'command') throw new Error(`"${text}" is not a command`);
    const sent: Reply[] = [];
    const request: CommandRequest = {
      requester: user,
      tenantId: t.bot.services.store.organization.tenantId,
      conversation: { id: 'conversation-personal', type: 'personal', scope: 'personal', fromId: `29:${user.aadObjectId}` },
      respond: {
        send: (reply) => {
          sent.push(reply);
          return Promise.resolve(`message-${sent.length}`);
        },
      },
    };
    await dispatch(command, request);
    const card = sent[0]?.card;
    if (card === undefined) throw new Error(`"${text}" was answered without a card`);
    return card;
  }

  it('answers the same question of the same requester with the same card while nothing changed', async () => {
    const ada = t.user('ada');
    const first = await ask(ada, 'whoami');
    expect(await ask(ada, 'whoami')).toBe(first);
    expect(await ask(ada, 'mailboxes pending')).toBe(await ask(ada, 'mailboxes pending'));
    const kept = stateCardCount(t.bot.services.useCases.records);
    expect(await ask(ada, 'mailbox pia@contoso.com')).toBe(await ask(ada, 'mailbox pia@contoso.com'));
    // Kept by this cache itself (the expanded-card cache alone would also return the same object).
    expect(stateCardCount(t.bot.services.useCases.records)).toBe(kept + 1);
  });

  it('gives every requester their own card', async () => {
    const ada = await ask(t.user('ada'), 'whoami');
    const sam = await ask(t.user('sam'), 'whoami');
    expect(ada.fallbackText).toMatch(/^Ada Admin /);
    expect(sam.fallbackText).toMatch(/^Sam Sysadmin /);
  });

  it('renders a refusal afresh every time and keeps no card for it', async () => {
    const store = t.bot.services.useCases.records;
    const ada = t.user('ada');
    let renders = 0;
    const refuse = () => {
      renders += 1;
      return Promise.resolve(err(domainError('InvalidValue', 'refused')));
    };
    expect((await cardForState(store, ada, 'refused question', refuse)).ok).toBe(false);
    expect((await cardForState(store, ada, 'refused question', refuse)).ok).toBe(false);
    expect(renders).toBe(2);
  });

  it(`keeps at most ${STATE_CARD_ENTRIES} cards per store, the most recently used`, async () => {
    const store = t.bot.services.useCases.records;
    const ada = t.user('ada');
    let renders = 0;
    const render = (key: string) => () => {
      renders += 1;
      return Promise.resolve(ok(cardSaying(key)));
    };
    await cardForState(store, ada, 'kept', render('kept'));
    for (let index = 0; index < STATE_CARD_ENTRIES + 50; index += 1) {
      await cardForState(store, ada, `question ${index}`, render(`question ${index}`));
      if (index % 10 === 0) await cardForState(store, ada, 'kept', render('kept'));
    }
    expect(stateCardCount(store)).toBe(STATE_CARD_ENTRIES);
    const before = renders;
    await cardForState(store, ada, 'kept', render('kept'));
    await cardForState(store, ada, 'question 0', render('question 0'));
    // The card used all along is still there; the oldest of the others was evicted.
    expect(renders).toBe(before + 1);
  });
  // Last: the approval also starts a background Test & Enable in the test bot, which keeps committing.
  it('shows a committed change on the next answer', async () => {
    const ada = t.user('ada');
    const pendingBefore = await ask(ada, 'mailboxes pending');
    const detailBefore = await ask(ada, 'mailbox pia@contoso.com');
    expect(cardText(detailBefore)).toContain('Pending Approval');
    expect(cardText(pendingBefore)).toContain('pia@contoso.com');

    const approval = await ask(ada, 'approve mailbox pia@contoso.com');
    expect(cardText(approval)).toContain('pia@contoso.com');

    const detailAfter = await ask(ada, 'mailbox pia@contoso.com');
    expect(detailAfter).not.toBe(detailBefore);
    expect(cardText(detailAfter)).not.toContain('Pending Approval');
    expect(cardText(detailAfter)).toContain('Approved');
    expect(cardText(await ask(ada, 'mailboxes pending'))).not.toContain('pia@contoso.com');
  });
});

// main.ts hands every command a requester with the role directory's roles; that must not defeat the cache.
describe('cards reused per state over HTTP, with the roles the role directory gives', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('renders whoami once for two identical messages and afresh after a committed change', async () => {
    const ada = t.user('ada');
    // Only the whoami card's rendering reads the business unit through the records port.
    const renders = vi.spyOn(t.bot.services.useCases.records, 'businessUnit');
    const first = await t.say(ada, 'whoami');
    const second = await t.say(ada, 'whoami');
    expect(renders).toHaveBeenCalledTimes(1);
    expect(first[0]?.attachments).toHaveLength(1);
    expect(second.map((activity) => activity.attachments)).toEqual(first.map((activity) => activity.attachments));

    await t.say(ada, 'approve mailbox pia@contoso.com');
    await t.say(ada, 'whoami');
    expect(renders).toHaveBeenCalledTimes(2);
    renders.mockRestore();
  });

  it('gives the same requester object while the record and the roles stay as they were, and a new one when a role changes', async () => {
    const ada = t.user('ada');
    const roles: { current: readonly Office365Role[] } = { current: [...ada.office365Roles] };
    const directory: RoleDirectory = { rolesOf: () => Promise.resolve(roles.current) };
    expect(await withDirectoryRoles(ada, directory)).toBe(ada);

    roles.current = ada.office365Roles.length === 0 ? ['ExchangeAdministrator'] : [];
    const changed = await withDirectoryRoles(ada, directory);
    expect(changed).not.toBe(ada);
    expect(changed.office365Roles).toEqual(roles.current);
    expect(changed.id).toBe(ada.id);
    expect(await withDirectoryRoles(ada, directory)).toBe(changed);

    roles.current = [...ada.office365Roles];
    expect(await withDirectoryRoles(ada, directory)).toBe(ada);
  });
});
