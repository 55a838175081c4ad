// The approval card's decision controls, checked with the Adaptive Cards SDK (as test/cards does): Approve is the
// primary, leftmost action; Reject is neither and asks for a required reason; a request asked again after a
// rejection shows that rejection on every view.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseExecuteAction, parseSubmitAction } from '../../src/cards/actions.js';
import { renderApprovalApproverCard, renderApprovalBaseCard, renderApprovalDecidedCard } from '../../src/cards/approval-card.js';
import { sampleApprovalApproved, sampleApprovalAskedAgain, sampleApprovalRequest } from '../../src/cards/samples.js';
import { cardProblems, collectNodes, executeActions, visibleTexts } from '../cards/card-inspection.js';

const actionSchema = z.object({ type: z.string(), title: z.string(), style: z.string().optional() }).loose();

describe('the approval card decision controls', () => {
  const card = renderApprovalApproverCard(sampleApprovalRequest);
  const actionSet = collectNodes(card.body).find((node) => node.type === 'ActionSet');
  const actions = z.array(actionSchema).parse(actionSet?.actions);

  it('parses with the SDK as version 1.5 at most, without problems', () => {
    expect(Number(card.version)).toBeLessThanOrEqual(1.5);
    expect(cardProblems(card)).toEqual([]);
  });

  it('puts Approve first and primary; "Reject…" is neither primary nor leftmost', () => {
    expect(actions.map((action) => [action.type, action.title, action.style])).toEqual([
      ['Action.Execute', 'Approve', 'positive'],
      ['Action.ShowCard', 'Reject…', undefined],
    ]);
  });

  it('asks for a required reason inside "Reject…", before the Reject button', () => {
    const showCard = actions[1];
    const reason = collectNodes(showCard).find((node) => node.type === 'Input.Text');
    expect(reason).toMatchObject({ id: 'rejectReason', isRequired: true, maxLength: 1000 });
    expect(String(reason?.errorMessage)).toMatch(/Give a reason/);
    const reject = executeActions(card).find((action) => action.verb === 'approval.reject');
    expect(reject?.title).toBe('Reject');
    expect(collectNodes(showCard)).toContainEqual(expect.objectContaining({ type: 'Action.Execute', verb: 'approval.reject' }));
  });

  it('offers an optional comment with Approve, and carries both inputs through invoke and Submit parsing', () => {
    expect(collectNodes(card.body).find((node) => node.id === 'approveComment')).toMatchObject({ type: 'Input.Text' });
    expect(collectNodes(card.body).find((node) => node.id === 'approveComment')?.isRequired).toBeUndefined();
    const invoke = parseExecuteAction({ verb: 'approval.reject', data: { requestId: 'apr-0042', version: 7, rejectReason: 'Wrong address' } });
    expect(invoke).toEqual({ ok: true, action: { verb: 'approval.reject', data: { requestId: 'apr-0042', version: 7, rejectReason: 'Wrong address' } } });
    expect(parseSubmitAction({ verb: 'approval.reject', requestId: 'apr-0042', version: 7, rejectReason: 'Wrong address' })).toEqual(invoke);
    const wrong = parseExecuteAction({ verb: 'approval.reject', data: { requestId: 'apr-0042', version: 7, rejectReason: 42 } });
    expect(wrong.ok ? 'parsed' : wrong.error).toMatch(/reason must be text/);
  });

  it('shows the earlier rejection (who, when, why) on the approver view and on the view everyone sees', () => {
    for (const view of [renderApprovalApproverCard(sampleApprovalAskedAgain), renderApprovalBaseCard(sampleApprovalAskedAgain)]) {
      expect(visibleTexts(view).join('\n')).toContain(
        'Asked again after a rejection. Rejected before by Erin Exchange at 2025-02-27 16:40 UTC (reason: The mailbox still pointed at the old Exchange server.). The address stays Rejected until an approver decides.',
      );
      expect(cardProblems(view)).toEqual([]);
    }
  });

  it('shows an approval comment on the decided view', () => {
    const decided = renderApprovalDecidedCard({ ...sampleApprovalApproved, remark: 'Checked with Otto.' });
    expect(visibleTexts(decided)).toContain('Comment: Checked with Otto.');
    expect(cardProblems(decided)).toEqual([]);
  });
});
