import { describe, expect, it } from 'vitest';
import { carryOut } from '../../src/app/unit-of-work.js';
import { ok } from '../../src/domain/result.js';
import { smallOrg } from './fixtures.js';
import { expectErr, expectOk, harnessForOrg } from './support.js';

describe('carryOut', () => {
  it('answers without writing when the plan changes nothing', async () => {
    const { context, commit, user } = harnessForOrg(smallOrg());
    const answer = expectOk(await carryOut(context, user('ada'), () => Promise.resolve(ok({ intents: [], events: [], answer: () => 'nothing to do' }))));
    expect(answer).toBe('nothing to do');
    expect(commit).not.toHaveBeenCalled();
  });

  it('writes the intents with the versions the plan read, as the requester, publishes after the write and answers from what was written', async () => {
    const { context, commit, store, events, user } = harnessForOrg(smallOrg());
    const before = store.mailboxById('mailbox-ada');
    if (before === undefined) throw new Error('fixture lacks mailbox-ada');
    const answer = expectOk(
      await carryOut(context, user('ada'), () =>
        Promise.resolve(
          ok({
            intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: before.id, expectedVersion: before.version, on: true }],
            events: [{ type: 'approvalRequested', mailboxId: before.id, requestedById: 'ada', reason: 'requested' }],
            answer: (written) => written.mailbox(before.id)?.version,
          }),
        ),
      ),
    );
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit.mock.calls[0]?.[0]).toMatchObject({ caller: { kind: 'person', userId: 'ada' }, intents: [{ expectedVersion: before.version }] });
    expect(answer).toBe(before.version + 1);
    expect(store.mailboxById(before.id)?.orgMarkedAsPrimaryForExchangeSync).toBe(true);
    expect(events.published).toHaveLength(1);
  });

  it('recomputes the plan when another change lands on the same mailbox first', async () => {
    const { context, store, commit, user } = harnessForOrg(smallOrg());
    let attempts = 0;
    const result = await carryOut(context, user('ada'), () => {
      attempts += 1;
      const current = store.mailboxById('mailbox-ada');
      if (current === undefined) throw new Error('fixture lacks mailbox-ada');
      // The first plan is computed from a version that is already stale, as if another admin committed meanwhile.
      const read = attempts === 1 ? current.version - 1 : current.version;
      return Promise.resolve(ok({ intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: current.id, expectedVersion: read, on: true }], events: [], answer: () => attempts }));
    });
    expect(expectOk(result)).toBe(2);
    expect(commit).toHaveBeenCalledTimes(2);
  });

  it('gives up with VersionConflict, publishing nothing, when the conflict keeps coming back', async () => {
    const { context, store, events, user } = harnessForOrg(smallOrg());
    const stale = store.mailboxById('mailbox-ada');
    if (stale === undefined) throw new Error('fixture lacks mailbox-ada');
    const result = await carryOut(context, user('ada'), () =>
      Promise.resolve(
        ok({
          intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: stale.id, expectedVersion: stale.version + 7, on: true }],
          events: [{ type: 'approvalRequested', mailboxId: stale.id, requestedById: 'ada', reason: 'requested' }],
          answer: () => 'never',
        }),
      ),
    );
    const error = expectErr(result);
    expect(error.code).toBe('VersionConflict');
    expect(error.message).toContain('the mailbox mailbox-ada changed meanwhile');
    expect(events.published).toEqual([]);
    expect(store.mailboxById('mailbox-ada')).toEqual(stale);
  });
});
