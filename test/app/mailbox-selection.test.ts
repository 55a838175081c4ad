import { describe, expect, it } from 'vitest';
import { mailboxSelectorSchema, selectMailboxes, selectOneMailbox } from '../../src/app/mailbox-selection.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

const ids = (mailboxes: readonly { readonly id: string }[]): string[] => mailboxes.map((mailbox) => mailbox.id);

describe('selectMailboxes', () => {
  const { records } = harnessForOrg(smallOrg());

  it('finds a mailbox by its email address whatever the case', async () => {
    expect(ids(expectOk(await selectMailboxes(records, ['ADA@Contoso.com'])))).toEqual(['mailbox-ada']);
  });

  it('finds mailboxes by mailbox name, by the user name and by the queue name, in the order typed', async () => {
    expect(ids(expectOk(await selectMailboxes(records, ['sales inbox', 'Evan Exchange', 'mailbox-sam'])))).toEqual(['mailbox-sales-inbox', 'mailbox-evan', 'mailbox-sam']);
  });

  it('selects a mailbox named twice only once', async () => {
    expect(ids(expectOk(await selectMailboxes(records, ['Ada Admin', 'ada@contoso.com'])))).toEqual(['mailbox-ada']);
  });

  it('reports every unknown name at once, each with the closest known names', async () => {
    const error = expectErr(await selectMailboxes(records, ['Ada Admn', 'ada@contoso.com', 'Suport', 'Zebra']));
    expect(error.code).toBe('UnknownMailbox');
    expect(error.unknownNames).toEqual([
      { name: 'Ada Admn', suggestions: ['Ada Admin'] },
      { name: 'Suport', suggestions: ['Support'] },
      { name: 'Zebra', suggestions: [] },
    ]);
    expect(error.message).toContain('did you mean "Ada Admin"?');
    expect(error.message).toContain('No mailbox is called "Zebra".');
  });

  it('refuses a name two mailboxes share and lists their email addresses', async () => {
    const twins = orgBuilder()
      .user('alex1', { fullName: 'Alex Smith', email: 'alex.smith@contoso.com' })
      .user('alex2', { fullName: 'Alex Smith', email: 'alex.s@contoso.com' })
      .build();
    const error = expectErr(await selectMailboxes(harnessForOrg(twins).records, ['alex smith']));
    expect(error.code).toBe('InvalidValue');
    expect(error.message).toBe('"alex smith" matches 2 mailboxes: alex.s@contoso.com, alex.smith@contoso.com; use one of these instead.');
  });

  it("means every active mailbox by 'all'", async () => {
    const org = orgBuilder()
      .user('ann')
      .user('bob', { mailbox: { active: false } })
      .build();
    expect(ids(expectOk(await selectMailboxes(harnessForOrg(org).records, 'all')))).toEqual(['mailbox-ann']);
  });

  it("means the active mailboxes in Pending Approval by 'pending'", async () => {
    const org = orgBuilder()
      .user('ann')
      .user('bob', { mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved } })
      .user('cid', { mailbox: { active: false } })
      .build();
    expect(ids(expectOk(await selectMailboxes(harnessForOrg(org).records, 'pending')))).toEqual(['mailbox-ann']);
  });

  it("says so when 'pending' finds nothing", async () => {
    const org = orgBuilder().user('ann', { mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved } }).build();
    expect(expectErr(await selectMailboxes(harnessForOrg(org).records, 'pending')).code).toBe('NothingSelected');
  });

  it('refuses an empty list of names', async () => {
    expect(expectErr(await selectMailboxes(records, ['  '])).code).toBe('NothingSelected');
  });
});

describe('selectOneMailbox', () => {
  it('returns the single mailbox a name means', async () => {
    const { records } = harnessForOrg(smallOrg());
    expect(expectOk(await selectOneMailbox(records, 'Support')).id).toBe('mailbox-support');
  });
});

describe('mailboxSelectorSchema', () => {
  it('accepts the keywords and a list of names, and rejects an empty list', () => {
    expect(mailboxSelectorSchema.parse('all')).toBe('all');
    expect(mailboxSelectorSchema.parse([' Ada '])).toEqual(['Ada']);
    expect(mailboxSelectorSchema.safeParse([]).success).toBe(false);
    expect(mailboxSelectorSchema.safeParse('everything').success).toBe(false);
  });
});
