import { describe, expect, it } from 'vitest';
import { mailboxSelectorSchema, selectMailboxes, selectOneMailbox } from '../../src/app/mailbox-selection.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { orgBuilder } from '../support/org-builder.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

const ids = (mailboxes: readonly { readonly id: string }[]): string[] => mailboxes.map((mailbox) => mailbox.id);

describe('selectMailboxes', () => {
  const { store } = harnessForOrg(smallOrg());

  it('finds a mailbox by its email address whatever the case', () => {
    expect(ids(expectOk(selectMailboxes(store, ['ADA@Contoso.com'])))).toEqual(['mailbox-ada']);
  });

  it('finds mailboxes by mailbox name, by the user name and by the queue name, in the order typed', () => {
    expect(ids(expectOk(selectMailboxes(store, ['sales inbox', 'Evan Exchange', 'mailbox-sam'])))).toEqual(['mailbox-sales-inbox', 'mailbox-evan', 'mailbox-sam']);
  });

  it('selects a mailbox named twice only once', () => {
    expect(ids(expectOk(selectMailboxes(store, ['Ada Admin', 'ada@contoso.com'])))).toEqual(['mailbox-ada']);
  });

  it('reports every unknown name at once, each with the closest known names', () => {
    const error = expectErr(selectMailboxes(store, ['Ada Admn', 'ada@contoso.com', 'Suport', 'Zebra']));
    expect(error.code).toBe('UnknownMailbox');
    expect(error.unknownNames).toEqual([
      { name: 'Ada Admn', suggestions: ['Ada Admin'] },
      { name: 'Suport', suggestions: ['Support'] },
      { name: 'Zebra', suggestions: [] },
    ]);
    expect(error.message).toContain('did you mean "Ada Admin"?');
    expect(error.message).toContain('No mailbox is called "Zebra".');
  });

  it('refuses a name two mailboxes share and lists their email addresses', () => {
    const twins = orgBuilder()
      .user('alex1', { fullName: 'Alex Smith', email: 'alex.smith@contoso.com' })
      .user('alex2', { fullName: 'Alex Smith', email: 'alex.s@contoso.com' })
      .build();
    const error = expectErr(selectMailboxes(harnessForOrg(twins).store, ['alex smith']));
    expect(error.code).toBe('InvalidValue');
    expect(error.message).toBe('"alex smith" matches 2 mailboxes: alex.s@contoso.com, alex.smith@contoso.com; use one of these instead.');
  });

  it("means every active mailbox by 'all'", () => {
    const org = orgBuilder()
      .user('ann')
      .user('bob', { mailbox: { active: false } })
      .build();
    expect(ids(expectOk(selectMailboxes(harnessForOrg(org).store, 'all')))).toEqual(['mailbox-ann']);
  });

  it("means the active mailboxes in Pending Approval by 'pending'", () => {
    const org = orgBuilder()
      .user('ann')
      .user('bob', { mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved } })
      .user('cid', { mailbox: { active: false } })
      .build();
    expect(ids(expectOk(selectMailboxes(harnessForOrg(org).store, 'pending')))).toEqual(['mailbox-ann']);
  });

  it("says so when 'pending' finds nothing", () => {
    const org = orgBuilder().user('ann', { mailbox: { emailRouterAccessApproval: EmailApprovalStatus.Approved } }).build();
    expect(expectErr(selectMailboxes(harnessForOrg(org).store, 'pending')).code).toBe('NothingSelected');
  });

  it('refuses an empty list of names', () => {
    expect(expectErr(selectMailboxes(store, ['  '])).code).toBe('NothingSelected');
  });
});

describe('selectOneMailbox', () => {
  it('returns the single mailbox a name means', () => {
    const { store } = harnessForOrg(smallOrg());
    expect(expectOk(selectOneMailbox(store, 'Support')).id).toBe('mailbox-support');
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
