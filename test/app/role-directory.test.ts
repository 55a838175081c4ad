// The requester's Entra roles come from the role directory, asked on every turn, not from the user record:
// the permission checks (whoami's explanations, approving an email address) follow what the directory says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleDirectory } from '../../src/app/role-directory.js';
import type { Office365Role } from '../../src/domain/options.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { OrganizationFileRoleDirectory } from '../../src/store/organization-roles.js';
import { startTestBot, textOf, type TestBot } from '../support/bot-harness.js';
import { exampleStore } from '../support/fixtures.js';
import { sayForCard } from '../bot/handlers/support.js';

/** A directory the test edits between messages; it records who it was asked about. */
class EditableRoleDirectory implements RoleDirectory {
  readonly asked: string[] = [];
  readonly roles = new Map<string, readonly Office365Role[]>();

  rolesOf(aadObjectId: string): Promise<readonly Office365Role[]> {
    this.asked.push(aadObjectId);
    return Promise.resolve(this.roles.get(aadObjectId) ?? []);
  }
}

describe('the organization file as role directory', () => {
  it('answers the Microsoft 365 roles written on the user, and none for someone it does not know', async () => {
    const store = await exampleStore();
    const directory = new OrganizationFileRoleDirectory(store);
    const aadOf = (id: string): string => store.userById(id)?.aadObjectId ?? '';
    expect(await directory.rolesOf(aadOf('user-ada'))).toEqual(['GlobalAdministrator']);
    expect(await directory.rolesOf(aadOf('user-evan'))).toEqual(['ExchangeAdministrator']);
    expect(await directory.rolesOf(aadOf('user-sam'))).toEqual([]);
    expect(await directory.rolesOf('00000000-0000-4000-8000-999999999999')).toEqual([]);
  });
});

describe('permission checks read the requester’s roles from the role directory', () => {
  let t: TestBot;
  const directory = new EditableRoleDirectory();
  beforeAll(async () => {
    t = await startTestBot({ roles: directory });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lets Sam approve once the directory makes him a Global administrator, and not Ada, whose record says she is one', async () => {
    const sam = t.user('sam');
    const ada = t.user('ada');
    // The records say the opposite of what the directory says.
    expect([sam.office365Roles, ada.office365Roles]).toEqual([[], ['GlobalAdministrator']]);
    directory.roles.set(sam.aadObjectId, ['GlobalAdministrator']);

    const samWho = textOf((await sayForCard(t, sam, 'whoami')).activity);
    expect(samWho).toContain('Office 365 Global administrator');
    expect(samWho).toMatch(/✅ Allowed on [^\n]*: Approve or reject the email address/);
    expect(directory.asked).toContain(sam.aadObjectId);

    const adaWho = textOf((await sayForCard(t, ada, 'whoami')).activity);
    expect(adaWho).not.toContain('Office 365 Global administrator');
    expect(adaWho).toContain('⛔ Not allowed: Approve or reject the email address');

    const refused = textOf((await sayForCard(t, ada, 'approve mailbox pia@contoso.com')).activity);
    expect(refused).toContain('Not allowed');
    expect(t.bot.services.store.mailboxByEmail('pia@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);

    const approved = textOf((await sayForCard(t, sam, 'approve mailbox pia@contoso.com')).activity);
    expect(approved).toContain('Email Address Status: Pending Approval → Approved');
    expect(t.bot.services.store.mailboxByEmail('pia@contoso.com')).toMatchObject({ emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: true });
    expect(t.bot.services.store.recentAudit(1)[0]).toMatchObject({ actorName: 'Sam Sysadmin', rule: 'seed2019:ce-online/exchange-online:global-admin+system-admin' });
  });

  it('follows a role removed in the directory from the next message on', async () => {
    const sam = t.user('sam');
    directory.roles.set(sam.aadObjectId, ['GlobalAdministrator']);
    expect(textOf((await sayForCard(t, sam, 'whoami')).activity)).toMatch(/✅ Allowed on [^\n]*: Approve or reject the email address/);
    directory.roles.delete(sam.aadObjectId);
    expect(textOf((await sayForCard(t, sam, 'whoami')).activity)).toContain('⛔ Not allowed: Approve or reject the email address');
  });
});
