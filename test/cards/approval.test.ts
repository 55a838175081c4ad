import { describe, expect, it } from 'vitest';
import { CardVerb, parseExecuteAction } from '../../src/cards/actions.js';
import {
  approvalRefreshUserIds,
  renderApprovalApproverCard,
  renderApprovalBaseCard,
  renderApprovalDecidedCard,
} from '../../src/cards/approval-card.js';
import type { AdaptiveCardJson } from '../../src/cards/card-json.js';
import { cardProblems, cardText, collectNodes, executeActions, visibleTexts } from './card-inspection.js';
import { sampleApprovalApproved, sampleApprovalRejected, sampleApprovalRequest } from './samples.js';

function factValue(card: AdaptiveCardJson, title: string): string | undefined {
  const found = collectNodes(card.body).find((node) => node.title === title && typeof node.value === 'string');
  return typeof found?.value === 'string' ? found.value : undefined;
}

const approverIds = (count: number): string[] => Array.from({ length: count }, (_, index) => `29:approver-${index}`);

describe('the approval card, base view', () => {
  const card = renderApprovalBaseCard(sampleApprovalRequest);

  it('shows the mailbox, address, owner, profile, why approval is needed and "Pending approval"', () => {
    expect(visibleTexts(card).slice(0, 2)).toEqual(['Email address approval', 'Pending approval']);
    expect(factValue(card, 'Mailbox')).toBe('Sales Inbox');
    expect(factValue(card, 'Email address')).toBe('sales@contoso.com');
    expect(factValue(card, 'Owner')).toBe('Otto Owner');
    expect(factValue(card, 'Server profile')).toBe('Microsoft Exchange Online');
    expect(visibleTexts(card)).toContain(sampleApprovalRequest.whyApprovalIsNeeded);
  });

  it('is read-only: no buttons for whoever else is in the conversation', () => {
    expect(executeActions(card)).toEqual([]);
    expect(cardText(card)).toContain('Waiting for an approver.');
  });

  it('refreshes into the approver view for the approvers only, carrying just the request id', () => {
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'approval.refresh', data: { requestId: 'apr-0042' } },
      userIds: ['29:1a2b3c-ada', '29:4d5e6f-erin'],
    });
    expect(parseExecuteAction(card.refresh?.action)).toEqual({ ok: true, action: { verb: CardVerb.RefreshApproval, data: { requestId: 'apr-0042' } } });
  });
});

describe('the approval card, approver view', () => {
  const card = renderApprovalApproverCard(sampleApprovalRequest);

  it('is the base view plus Approve and Reject', () => {
    const base = renderApprovalBaseCard(sampleApprovalRequest);
    expect(visibleTexts(card)).toEqual(visibleTexts(base).filter((text) => !text.startsWith('Waiting for an approver')));
    expect(executeActions(card).map((action) => [action.title, action.verb])).toEqual([
      ['Approve', 'approval.approve'],
      ['Reject', 'approval.reject'],
    ]);
  });

  it('puts only the request id and the mailbox version in the buttons, never who clicks', () => {
    for (const action of executeActions(card)) {
      expect(action.data).toEqual({ requestId: 'apr-0042', version: 7 });
      expect(action.fallback).toEqual({ type: 'Action.Submit', title: action.title, data: { verb: action.verb, requestId: 'apr-0042', version: 7 } });
    }
  });

  it('keeps its refresh so a later refresh still reaches the bot', () => {
    expect(card.refresh?.userIds).toEqual(sampleApprovalRequest.approverUserIds);
  });
});

describe('the approval card, decided view', () => {
  it('says who approved and when, without buttons or refresh', () => {
    const card = renderApprovalDecidedCard(sampleApprovalApproved);
    const status = collectNodes(card.body).find((node) => node.text === 'Approved by Ada Admin at 2025-03-01 10:01 UTC');
    // Said in words, in the default colour: Teams' light-green Good text fails contrast (contrast.test.ts).
    expect(status?.color).toBe('Default');
    expect(visibleTexts(card)).toContain('Test & Enable was queued for this mailbox.');
    expect(executeActions(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect('refresh' in card).toBe(false);
    expect(cardProblems(card)).toEqual([]);
  });

  it('says who rejected, when and why', () => {
    const card = renderApprovalDecidedCard(sampleApprovalRejected);
    expect(visibleTexts(card)[1]).toBe('Rejected by Erin Exchange at 2025-03-01 10:03 UTC');
    expect(visibleTexts(card)).toContain(`Reason: ${sampleApprovalRejected.remark ?? ''}`);
    expect(card.fallbackText).toBe(
      `Rejected by Erin Exchange at 2025-03-01 10:03 UTC: the email address sales@contoso.com of mailbox Sales Inbox. Reason: ${sampleApprovalRejected.remark ?? ''}`,
    );
  });
});

describe('approval refresh user ids', () => {
  it('accepts 60 approvers and removes duplicates', () => {
    expect(approvalRefreshUserIds(approverIds(60))).toHaveLength(60);
    expect(approvalRefreshUserIds(['29:a', '29:a', '29:b'])).toEqual(['29:a', '29:b']);
  });

  it('refuses a 61st approver, because Teams would not refresh the card for them', () => {
    expect(() => renderApprovalBaseCard({ ...sampleApprovalRequest, approverUserIds: approverIds(61) })).toThrow(
      'An approval card can refresh for at most 60 approvers; got 61',
    );
  });

  it('refuses an empty user id and a version the buttons could not carry', () => {
    expect(() => approvalRefreshUserIds(['29:a', ' '])).toThrow('must not be empty');
    expect(() => renderApprovalApproverCard({ ...sampleApprovalRequest, version: -1 })).toThrow('version must be a whole number ≥ 0; got -1');
  });
});
