import { describe, expect, it } from 'vitest';
import { carryOut } from '../../src/app/unit-of-work.js';
import { ok } from '../../src/domain/result.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

describe('carryOut', () => {
  it('answers without committing when the plan changes nothing', async () => {
    const { context, commit } = harnessForOrg(smallOrg());
    const answer = expectOk(await carryOut(context, () => ok({ changes: {}, events: [], answer: () => 'nothing to do' })));
    expect(answer).toBe('nothing to do');
    expect(commit).not.toHaveBeenCalled();
  });

  it('commits with the versions the plan read, publishes after the commit and answers from the new state', async () => {
    const { context, commit, store, events } = harnessForOrg(smallOrg());
    const before = store.mailboxById('mailbox-ada');
    if (before === undefined) throw new Error('fixture lacks mailbox-ada');
    const answer = expectOk(
      await carryOut(context, () =>
        ok({
          changes: { mailboxes: [{ ...before, orgMarkedAsPrimaryForExchangeSync: true }] },
          events: [{ type: 'approvalRequested', mailboxId: before.id, requestedById: 'ada', reason: 'requested' }],
          answer: () => store.mailboxById(before.id)?.version,
        }),
      ),
    );
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit.mock.calls[0]?.[0].expectedMailboxVersions).toEqual({ 'mailbox-ada': before.version });
    expect(answer).toBe(before.version + 1);
    expect(events.published).toHaveLength(1);
  });

  it('recomputes the plan when another change lands on the same mailbox first', async () => {
    const { context, store, commit } = harnessForOrg(smallOrg());
    let attempts = 0;
    const result = await carryOut(context, () => {
      attempts += 1;
      const current = store.mailboxById('mailbox-ada');
      if (current === undefined) throw new Error('fixture lacks mailbox-ada');
      // The first plan is computed from a version that is already stale, as if another admin committed meanwhile.
      const read = attempts === 1 ? { ...current, version: current.version - 1 } : current;
      return ok({ changes: { mailboxes: [{ ...read, orgMarkedAsPrimaryForExchangeSync: true }] }, events: [], answer: () => attempts });
    });
    expect(expectOk(result)).toBe(2);
    expect(commit).toHaveBeenCalledTimes(2);
  });

  it('gives up with VersionConflict, publishing nothing, when the conflict keeps coming back', async () => {
    const { context, store, events } = harnessForOrg(smallOrg());
    const stale = store.mailboxById('mailbox-ada');
    if (stale === undefined) throw new Error('fixture lacks mailbox-ada');
    const result = await carryOut(context, () =>
      ok({
        changes: { mailboxes: [{ ...stale, orgMarkedAsPrimaryForExchangeSync: true }], expectedMailboxVersions: { 'mailbox-ada': stale.version + 7 } },
        events: [{ type: 'approvalRequested', mailboxId: stale.id, requestedById: 'ada', reason: 'requested' }],
        answer: () => 'never',
      }),
    );
    const error = expectErr(result);
    expect(error.code).toBe('VersionConflict');
    expect(error.message).toContain('mailbox-ada');
    expect(events.published).toEqual([]);
    expect(store.mailboxById('mailbox-ada')).toEqual(stale);
  });
});
