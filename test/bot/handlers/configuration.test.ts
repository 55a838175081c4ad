// help, whoami, profiles and the default email settings, over HTTP as the demo users.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod } from '../../../src/domain/options.js';
import { startTestBot, textOf, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { ask, buttonsIn, buttonsOf, cardIn, choicesOf, choose, domainSnapshot, expectWellFormed, invokeAction, isConfirmationCard, sayForCard } from './support.js';

describe('help and whoami', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists the commands usable in personal chat, leaving out the channel-only ones', async () => {
    const { activity } = await sayForCard(t, t.user('sam'), 'help');
    const text = textOf(activity);
    expect(text).toContain('approve mailbox');
    expect(text).toContain('test mailboxes for profile');
    expect(text).not.toContain('subscribe alerts for profile');
  });

  it('lists the alert subscriptions in a team channel', async () => {
    const replies = await ask(t, t.user('sam'), 'help', { conversationId: '19:ops@thread.tacv2', conversationType: 'channel' });
    expect(textOf(replies[0])).toContain('subscribe alerts for profile');
  });

  it('explains one command with who may run it, and offers to run a command that needs no arguments', async () => {
    const approve = await sayForCard(t, t.user('ada'), 'help approve mailbox');
    expect(textOf(approve.activity)).toContain('holding Approve Email Addresses for Users or Queues');
    expect(buttonsIn(approve.activity)).toEqual([{ title: 'All commands', command: 'help' }]);
    const whoami = await sayForCard(t, t.user('ada'), 'help whoami');
    expect(buttonsIn(whoami.activity)).toEqual([
      { title: 'Run: whoami', command: 'whoami' },
      { title: 'All commands', command: 'help' },
    ]);
  });

  it('answers help for a command that does not exist with the closest command', async () => {
    const replies = await ask(t, t.user('ada'), 'help aprove mailbox');
    expect(textOf(replies[0])).toContain('aprove mailbox is not a command. Did you mean approve mailbox');
  });

  it('tells Ada that she may approve email addresses as Global administrator and System Administrator', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'whoami');
    const text = textOf(activity);
    expect(text).toContain('Ada Admin');
    expect(text).toContain('Office 365 Global administrator');
    expect(text).toContain('✅ Allowed on your own mailbox ada@contoso.com: Approve or reject the email address, change delivery methods, Test & Enable and change the email address');
    expect(text).toContain('seed2019:ce-online/exchange-online:global-admin+system-admin');
  });

  it('tells Sam that a System Administrator alone may not approve at 9.1.0.5805', async () => {
    const { activity } = await sayForCard(t, t.user('sam'), 'whoami');
    const text = textOf(activity);
    expect(text).toContain('⛔ Not allowed: Approve or reject the email address');
    expect(text).toContain('Dynamics 365 System Administrator alone cannot approve email addresses');
  });

  it('answers whoami with something after it by saying what to remove', async () => {
    const replies = await ask(t, t.user('ada'), 'whoami please');
    expect(textOf(replies[0])).toContain('whoami takes nothing after it; remove please.');
  });
});

describe('email server profiles', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists the active profiles with the default marked and the Exchange Online check passed', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'profiles');
    const text = textOf(activity);
    expect(text).toContain('Microsoft Exchange Online (default)');
    expect(text).toContain('Legacy POP3');
    expect(text).toContain('Microsoft Exchange Online: present, active and the default');
  });

  it('refuses the profiles to Erin, who holds no security role, with the read rule', async () => {
    const { activity } = await sayForCard(t, t.user('erin'), 'profiles');
    const text = textOf(activity);
    expect(text).toContain('app:read-configuration:denied');
    expect(text).toContain('Erin ExchangeOnly has neither an admin role');
  });

  it('verifies Microsoft Exchange Online by default and says a second profile is not the default', async () => {
    const exchangeOnline = await sayForCard(t, t.user('ada'), 'verify profile');
    expect(exchangeOnline.activity.text).toBe('✅ “Microsoft Exchange Online” is present, active and the default profile for new mailboxes.');
    const legacy = await sayForCard(t, t.user('cody'), 'verify profile "Legacy POP3"');
    expect(legacy.activity.text).toContain('⚠️ “Legacy POP3” is not the default profile.');
    expect(legacy.activity.text).toContain('Set "Legacy POP3" as the default profile');
  });

  it('answers a mistyped profile with its closest name as a button that verifies it when clicked', async () => {
    const { activity } = await sayForCard(t, t.user('ada'), 'verify profile "Legacy POP"');
    expect(textOf(activity)).toContain('Not found: “Legacy POP”');
    const buttons = buttonsIn(activity);
    expect(buttons).toEqual([{ title: 'verify profile "Legacy POP3"', command: 'verify profile "Legacy POP3"' }]);
    const [button] = buttons;
    if (button === undefined) throw new Error('no button');
    // Navigation: the answer is a new message with its card and summary; the clicked card stays as it was.
    const clicked = await invokeAction(t, t.user('ada'), { verb: 'command', data: { command: button.command } });
    expect(clicked.replacement).toBeUndefined();
    const [answer] = clicked.replies;
    const shown = cardIn(answer);
    expectWellFormed(shown);
    expect(cardText(shown)).toContain('Legacy POP3');
    expect(answer?.text).toContain('“Legacy POP3” is not the default profile');
  });
});

describe('default email settings', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  const settings = () => t.bot.services.store.organization.settings;

  it('shows the settings to Otto, whose Read Mailbox lets him see the configuration', async () => {
    const { activity } = await sayForCard(t, t.user('otto'), 'settings');
    const text = textOf(activity);
    expect(text).toContain('Email settings\nContoso');
    expect(text).toContain('Server-Side Synchronization or Email Router');
    expect(buttonsIn(activity).map((button) => button.command)).toEqual(['verify profile', 'approval required']);
  });

  it('refuses the settings to Gus, who is only a Global administrator', async () => {
    const { activity } = await sayForCard(t, t.user('gus'), 'settings');
    expect(textOf(activity)).toContain('app:read-configuration:denied');
  });

  it('lets Ada change the default incoming and outgoing methods, one command each', async () => {
    const incoming = await sayForCard(t, t.user('ada'), 'set default incoming forward');
    expect(incoming.activity.text).toBe('The default incoming email method is now “Forward Mailbox”. Existing mailboxes keep theirs until default email settings are applied to them.');
    expect(settings().defaultIncomingEmailDeliveryMethod).toBe(IncomingEmailDeliveryMethod.ForwardMailbox);
    const outgoing = await sayForCard(t, t.user('sam'), 'set default outgoing outlook');
    expect(outgoing.activity.text).toContain('“Microsoft Dynamics 365 for Outlook”');
    expect(settings().defaultOutgoingEmailDeliveryMethod).toBe(OutgoingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook);
    expect(t.bot.services.store.recentAudit(1)[0]?.actorName).toBe('Sam Sysadmin');
  });

  it('says when a default already has the asked value, and writes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('ada'), 'set default outgoing sss');
    expect(activity.text).toBe('The default outgoing email method already was “Server-Side Synchronization or Email Router”; nothing was changed.');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses Cody, a System Customizer without Write Organization, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity } = await sayForCard(t, t.user('cody'), 'set default incoming none');
    const text = textOf(activity);
    expect(text).toContain('privilege:prvWriteOrganization:missing');
    expect(text).toContain('System Customizer with Write Organization (System Settings)');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses Otto the default outgoing method and Gus the default appointments method, changing nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const outgoing = await sayForCard(t, t.user('otto'), 'set default outgoing none');
    expect(textOf(outgoing.activity)).toContain('organization-email:admin-role');
    const act = await sayForCard(t, t.user('gus'), 'set default act outlook');
    expect(textOf(act.activity)).toContain('Change the default method for appointments, contacts, and tasks');
    expect(textOf(act.activity)).toContain('organization-email:admin-role');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });

  it('refuses the POP3 profile as default while appointments sync by server-side synchronization, then takes it once that is off', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const refused = await sayForCard(t, t.user('ada'), 'set default profile "Legacy POP3"');
    expect(textOf(refused.activity)).toContain('That cannot be done as asked');
    expect(textOf(refused.activity)).toContain('Nothing was changed.');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);

    await sayForCard(t, t.user('ada'), 'set default act none');
    const accepted = await sayForCard(t, t.user('ada'), 'set default profile Legacy POP3');
    expect(accepted.activity.text).toContain('The default email server profile for new mailboxes is now “Legacy POP3”');
    expect(settings().defaultEmailServerProfileId).toBe('profile-legacy-pop3');
  });

  it('answers an unknown default profile with the closest name as a button, and changes nothing', async () => {
    const before = domainSnapshot(t.bot.services.store);
    const { activity, card } = await sayForCard(t, t.user('ada'), 'set default profile "Microsoft Exchange Onlin"');
    expect(textOf(activity)).toContain('No email server profile is called "Microsoft Exchange Onlin"');
    // A write's correction is a choice: clicking it previews the change, it never runs it.
    expect(buttonsOf(card)).toEqual([]);
    const correction = choicesOf(card).find((choice) => choice.title === 'set default profile "Microsoft Exchange Online"');
    if (correction === undefined) throw new Error('no correction');
    const chosen = await choose(t, t.user('ada'), correction);
    // It is the default already: the preview finds nothing to change, so the answer says so without asking.
    expect(chosen.replacement).toBeUndefined();
    const answer = cardIn(chosen.replies[0]);
    expect(isConfirmationCard(answer)).toBe(false);
    expect(cardText(answer)).toContain('Microsoft Exchange Online');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
  });
});
