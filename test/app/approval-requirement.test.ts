import { describe, expect, it } from 'vitest';
import { setApprovalRequirement, showApprovalRequirement } from '../../src/app/approval-requirement.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

describe('showApprovalRequirement', () => {
  it('shows both switches and whether the requester may change them', async () => {
    const { context, user } = harnessForOrg(smallOrg());
    const asAda = expectOk(await showApprovalRequirement(context, user('ada')));
    expect(asAda).toMatchObject({ users: true, queues: true });
    expect(asAda.canChange.allowed).toBe(true);
    const asCody = expectOk(await showApprovalRequirement(context, user('cody')));
    expect(asCody.canChange.allowed).toBe(false);
  });
});

describe('setApprovalRequirement', () => {
  it('turns the queue requirement off for an admin of the permission table and audits the rule', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const result = expectOk(await setApprovalRequirement(context, user('evan'), { audience: 'queues', required: false }));
    expect(result).toMatchObject({ users: true, queues: false, changed: true });
    expect(store.organization.settings.requireApprovalForQueueEmail).toBe(false);
    expect(store.organization.settings.requireApprovalForUserEmail).toBe(true);
    const [entry] = store.recentAudit(1);
    expect(entry?.details).toBe('Process emails only for approved queues: on → off');
    expect(entry?.rule).toBe(result.canChange.rule);
  });

  it('refuses a System Administrator alone under the seed table, with the reason, and changes nothing', async () => {
    const { context, store, user } = harnessForOrg(smallOrg());
    const before = store.document();
    const error = expectErr(await setApprovalRequirement(context, user('sam'), { audience: 'users', required: false }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.message).toContain('Process emails only for approved users');
    expect(error.decision?.edition).toBe('seed2019');
    expect(store.document()).toBe(before);
  });

  it('commits nothing when the switch already is as asked', async () => {
    const { context, commit, user } = harnessForOrg(smallOrg());
    expect(expectOk(await setApprovalRequirement(context, user('ada'), { audience: 'users', required: true })).changed).toBe(false);
    expect(commit).not.toHaveBeenCalled();
  });
});
