// Alerts walls, the audit log, security roles and the approve privilege, over HTTP as the demo users.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/domain/model.js';
import { AlertLevel } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { ask, buttonsIn, cardIn, choicesOf, choose, domainSnapshot, sayForCard } from './support.js';

const alert = (index: number, regarding: Alert['regarding'], text: string, level: AlertLevel = AlertLevel.Error): Alert => ({
  id: `alert-test-${index}`,
  level,
  code: 'TestAlert',
  text,
  regarding,
  createdOn: `2025-02-${String(10 + (index % 18)).padStart(2, '0')}T08:00:00Z`,
});

describe('alerts walls and the audit log', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
    const committed = await t.bot.services.store.commit({
      alerts: [
        alert(1, { type: 'mailbox', id: 'mailbox-user-erin' }, 'The email address was rejected, so no email is processed for Erin ExchangeOnly.'),
        alert(2, { type: 'emailserverprofile', id: 'profile-exchange-online' }, 'The profile connected to Exchange Online.', AlertLevel.Information),
        ...Array.from({ length: 30 }, (_, index) => alert(100 + index, { type: 'mailbox', id: 'mailbox-queue-support' }, `Mailbox not found on Exchange, attempt ${index + 1}.`)),
      ],
    });
    if (!committed.ok) throw new Error('could not seed alerts');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('shows the Alerts wall of a mailbox by address', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'alerts erin@contoso.com');
    const text = textOf(activity);
    expect(text).toContain('Alerts: Erin ExchangeOnly');
    expect(text).toContain('The email address was rejected');
  });

  it('shows the Alerts wall of a profile', async () => {
    const { activity } = await sayForCard(t, t.user('cody'), 'alerts profile "Microsoft Exchange Online"');
    expect(textOf(activity)).toContain('Email server profile · 1 alert');
    expect(textOf(activity)).toContain('The profile connected to Exchange Online.');
  });

  it('shows the newest alerts of a long wall and says how many older ones it leaves out', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'alerts Support');
    const text = textOf(activity);
    expect(text).toContain('showing the 20 most recent of 30 alerts');
    expect(text).toContain('10 older alerts are not shown');
  });

  it('refuses Pia the wall of a mailbox her Read Mailbox does not reach', async () => {
    const { activity } = await sayForCard(t, t.user('pia'), 'alerts mailbox erin@contoso.com');
    expect(textOf(activity)).toContain('Show the alerts of erin@contoso.com');
    expect(textOf(activity)).toContain('app:read-mailbox:privilege');
  });

  it('answers a name that is neither a mailbox nor a profile with the closest names as buttons', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'alerts "Legacy POP"');
    expect(textOf(activity)).toContain('No mailbox or email server profile is called "Legacy POP"');
    expect(buttonsIn(activity)).toContainEqual({ title: 'alerts "Legacy POP3"', command: 'alerts "Legacy POP3"' });
  });

  it('shows Sam the audit log with the rule that allowed each change', async () => {
    await sayForCard(t, t.user('ada'), 'approve mailbox pia@contoso.com');
    const { activity } = await sayForCard(t, t.user('sam'), 'audit 5');
    const text = textOf(activity);
    expect(text).toContain('Ada Admin');
    expect(text).toContain('mailbox.approveEmail');
    expect(text).toContain('rule: seed2019:ce-online/exchange-online:global-admin+system-admin');
  });

  it('refuses the audit log to Cody, who is not a System Administrator', async () => {
    const { activity } = await sayForCard(t, t.user('cody'), 'audit');
    expect(textOf(activity)).toContain('Only a System Administrator may read the audit log');
  });
});

describe('security roles and the approve privilege', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  const roleNamed = (name: string) => t.bot.services.store.securityRoles().find((role) => role.name === name);

  it('lists the roles with their email privileges for Cody and refuses them to Erin', async () => {
    const { activity } = await sayForCard(t, t.user('cody'), 'roles');
    const text = textOf(activity);
    expect(text).toContain('4 roles');
    expect(text).toContain('Holds every privilege at Organization depth.');
    expect(text).toContain('Delegated Mailbox Approver');
    const refused = await sayForCard(t, t.user('erin'), 'roles');
    expect(textOf(refused.activity)).toContain('app:read-configuration:denied');
  });

  it('lets Ada grant the approve privilege to Salesperson at business unit depth, and says so again without writing', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'grant approve privilege to role Salesperson at business unit');
    expect(textOf(activity)).toContain('Granted “Approve Email Addresses for Users or Queues” to Salesperson at Business Unit depth');
    expect(roleNamed('Salesperson')?.privileges.prvApproveRejectEmailAddress).toBe('BusinessUnit');
    const before = domainSnapshot(t.bot.services.store);
    const again = await sayForCard(t, t.user('ada'), 'grant approve privilege to role "Salesperson" at bu');
    expect(textOf(again.activity)).toContain('Salesperson already holds');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses Cody a grant, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('cody'), 'grant approve privilege to role Salesperson at organization');
    expect(textOf(activity)).toContain('security-roles:system-administrator');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('answers a mistyped role with the corrected grant, keeping the depth', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'grant approve privilege to role "Sales Person" at parent child');
    expect(buttonsIn(activity)).toEqual([]);
    const [correction] = choicesOf(cardIn(activity));
    // Long commands are cut in the title only; the bot keeps all of it behind the choice, and previews it.
    expect(correction?.title).toBe('grant approve privilege to role "Salesperson" at parent chi…');
    if (correction === undefined) throw new Error('no correction');
    const chosen = await choose(t, t.user('ada'), correction);
    const preview = cardIn(chosen.replies[0]);
    expect(cardText(preview)).toContain('Confirm: grant approve privilege to role "Salesperson" at parent child');
  });

  it('explains that the System Administrator role cannot be changed', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'grant approve privilege to role "System Administrator" at user');
    expect(textOf(activity)).toContain('always holds every privilege at Organization depth');
  });

  it('lets Ada revoke the approve privilege from the Delegated Mailbox Approver role, and says when a role did not hold it', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'revoke approve privilege from role "Delegated Mailbox Approver"');
    expect(textOf(activity)).toContain('Revoked “Approve Email Addresses for Users or Queues” from Delegated Mailbox Approver');
    expect(roleNamed('Delegated Mailbox Approver')?.privileges.prvApproveRejectEmailAddress).toBeUndefined();
    const again = await sayForCard(t, t.user('ada'), 'revoke approve privilege from role "Delegated Mailbox Approver"');
    expect(textOf(again.activity)).toContain('did not hold');
  });

  it('refuses Sid a revoke, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('sid'), 'revoke approve privilege from role "Delegated Mailbox Approver"');
    expect(textOf(activity)).toContain('Sid Service cannot manage security roles');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });
});

describe('alert subscriptions in chat', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('explains that subscriptions belong in a channel or group chat when asked in personal chat', async () => {
    const replies = await ask(t, t.user('ada'), 'subscribe alerts for profile "Microsoft Exchange Online"');
    expect(textOf(replies[0])).toContain('subscribe alerts for profile works only in a team channel or a group chat, not in personal chat.');
  });
});
