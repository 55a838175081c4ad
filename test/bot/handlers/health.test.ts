// `diagnose <mailbox>` and `health` over HTTP as the demo users: the diagnosis names the likely cause from the
// domain's rules and offers the fix as a button that is previewed and confirmed; the health card counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertLevel, TestStatus } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText, visibleTexts } from '../../cards/card-inspection.js';
import { buttonsIn, click, confirm, isConfirmationCard, sayForCard } from './support.js';

describe('diagnose and health', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
    const otto = t.bot.services.store.mailboxByEmail('otto@contoso.com');
    if (otto === undefined) throw new Error('no Otto');
    const committed = await t.bot.services.store.commit({
      mailboxes: [{ ...otto, mailboxStatus: TestStatus.Failure, actStatus: TestStatus.Failure, incomingEmailStatus: TestStatus.Failure, version: otto.version + 1 }],
      alerts: [
        {
          id: 'alert-otto-1',
          level: AlertLevel.Error,
          code: 'ActConfiguredWithAnotherOrganization',
          text: 'The mailbox otto@contoso.com is configured to synchronize appointments, contacts and tasks with another organization.',
          regarding: { type: 'mailbox', id: otto.id },
          createdOn: '2025-02-10T08:00:00Z',
        },
      ],
    });
    if (!committed.ok) throw new Error('could not seed Otto’s failure');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('names the other organization as the likely cause and offers the bot’s own fix, previewed before it runs', async () => {
    const ada = t.user('ada');
    const { activity } = await sayForCard(t, ada, 'diagnose otto@contoso.com');
    const text = textOf(activity);
    expect(text).toContain('Otto Owner is not working');
    expect(text).toContain('Exchange synchronizes this mailbox with another Dynamics 365 organization.');
    expect(text).toContain('configured to synchronize appointments, contacts and tasks with another organization');
    const fix = buttonsIn(activity).find((button) => button.title === 'Sync from this org only');
    expect(fix?.command).toBe('sync from this org only otto@contoso.com on');
    if (fix === undefined) return;

    const preview = await click(t, ada, fix);
    expect(isConfirmationCard(preview)).toBe(true);
    expect(t.bot.services.store.mailboxByEmail('otto@contoso.com')?.orgMarkedAsPrimaryForExchangeSync).toBe(false);
    await confirm(t, ada, preview);
    expect(t.bot.services.store.mailboxByEmail('otto@contoso.com')?.orgMarkedAsPrimaryForExchangeSync).toBe(true);
  });

  it('leads from a mailbox’s alerts to its diagnosis', async () => {
    const ada = t.user('ada');
    const { activity } = await sayForCard(t, ada, 'alerts otto@contoso.com');
    const diagnose = buttonsIn(activity).find((button) => button.title === 'Diagnose and fix');
    if (diagnose === undefined) throw new Error('no Diagnose and fix on the alerts wall');
    expect(cardText(await click(t, ada, diagnose))).toContain('Likely cause');
  });

  it('offers Diagnose on a failing mailbox’s card, and not on a working one', async () => {
    const ada = t.user('ada');
    expect(buttonsIn((await sayForCard(t, ada, 'mailbox erin@contoso.com')).activity).map((button) => button.command)).toContain('diagnose erin@contoso.com');
    expect(buttonsIn((await sayForCard(t, ada, 'mailbox dana@contoso.com')).activity).map((button) => button.title)).not.toContain('Diagnose');
  });

  it('offers no fix button to someone who may not make the fix', async () => {
    // Pia may read her own mailbox but not approve it: the diagnosis says what to do, without the button.
    const { activity } = await sayForCard(t, t.user('pia'), 'diagnose pia@contoso.com');
    expect(textOf(activity)).toContain('not approved');
    expect(buttonsIn(activity).map((button) => button.title)).not.toContain('Approve email address');
  });

  it('says how long a pending address has waited since its approval was asked for', async () => {
    await sayForCard(t, t.user('pia'), 'request approval pia@contoso.com');
    // The approval request is recorded when the event is handled, just after the answer.
    const waited = async (): Promise<string | undefined> => {
      for (let attempt = 0; attempt < 40; attempt++) {
        const texts = visibleTexts((await sayForCard(t, t.user('ada'), 'health')).card);
        const at = texts.indexOf('pia@contoso.com');
        if (at >= 0 && texts[at + 2] !== '—') return texts[at + 2];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return undefined;
    };
    expect(await waited()).toBe('today');
  });

  it('shows the sync health overview with counts, causes and the pending approvals', async () => {
    const { card } = await sayForCard(t, t.user('ada'), 'health');
    const text = cardText(card);
    expect(text).toContain('Server-side synchronization health');
    expect(text).toContain('Failing');
    expect(text).toMatch(/Email address not approved/);
    expect(text).toContain('pia@contoso.com');
  });
});
