// One request, three views: the read-only base card everyone in the conversation sees, the approver view
// (same + Approve/Reject) that approvers listed in `refresh.userIds` receive on refresh, and the decided
// view the bot writes back for everyone once someone approved or rejected.
import { MAX_REFRESH_USER_IDS, type AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { escapeMarkdown, formatUtc } from './format.js';
import type { TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { ApprovalDecidedView, ApprovalRequestView } from './view-models.js';

interface ApprovalCardData {
  readonly fallbackText: string;
  readonly requestId: string;
  readonly version: number;
  readonly hasRefresh: boolean;
  readonly refreshUserIds: readonly string[];
  readonly statusText: string;
  readonly statusColor: TextColor;
  readonly facts: readonly FactData[];
  readonly whyApprovalIsNeeded: string;
  readonly hasNote: boolean;
  readonly note: string;
  readonly isReadOnlyPending: boolean;
  readonly showDecisionButtons: boolean;
  readonly hasRemark: boolean;
  readonly remarkText: string;
  readonly hasPreviousRejection: boolean;
  readonly previousRejectionText: string;
}

const template = loadCardTemplate<ApprovalCardData>('approval');

type ApprovalCommon = Omit<ApprovalRequestView, 'approverUserIds'>;

/** Distinct approver MRIs, at most 60 (Teams ignores refresh for longer lists). */
export function approvalRefreshUserIds(approverUserIds: readonly string[]): string[] {
  const distinct = [...new Set(approverUserIds)];
  if (distinct.some((id) => id.trim() === '')) throw new RangeError('Approver user ids must not be empty');
  if (distinct.length > MAX_REFRESH_USER_IDS) {
    throw new RangeError(
      `An approval card can refresh for at most ${MAX_REFRESH_USER_IDS} approvers; got ${distinct.length}. Post it to a smaller group of approvers.`,
    );
  }
  return distinct;
}

/** "Rejected before by X at T: reason", on every view of a request that asks again after a rejection. */
function previousRejectionData(view: ApprovalCommon): Pick<ApprovalCardData, 'hasPreviousRejection' | 'previousRejectionText'> {
  const earlier = view.previousRejection;
  if (earlier === undefined) return { hasPreviousRejection: false, previousRejectionText: '' };
  const why = earlier.reason === null ? 'no reason was recorded' : `reason: ${earlier.reason}`;
  return {
    hasPreviousRejection: true,
    previousRejectionText: escapeMarkdown(`Asked again after a rejection. Rejected before by ${earlier.decidedBy} at ${formatUtc(earlier.decidedAt)} (${why}). The address stays Rejected until an approver decides.`),
  };
}

function commonData(view: ApprovalCommon): Pick<ApprovalCardData, 'requestId' | 'version' | 'facts' | 'whyApprovalIsNeeded' | 'hasPreviousRejection' | 'previousRejectionText'> {
  if (view.requestId.trim() === '') throw new RangeError('An approval card needs a requestId');
  if (!Number.isInteger(view.version) || view.version < 0) throw new RangeError(`Approval version must be a whole number ≥ 0; got ${view.version}`);
  return {
    requestId: view.requestId,
    version: view.version,
    facts: [
      fact('Mailbox', view.mailboxName),
      fact('Email address', view.emailAddress),
      fact('Owner', view.ownerName),
      fact('Mailbox of', view.regardingType === 'queue' ? 'A queue' : 'A user'),
      fact('Server profile', view.profileName ?? 'None'),
      fact('Requested by', `${view.requestedBy}, ${formatUtc(view.requestedAt)}`),
    ],
    whyApprovalIsNeeded: escapeMarkdown(view.whyApprovalIsNeeded),
    ...previousRejectionData(view),
  };
}

function pendingData(view: ApprovalRequestView, audience: 'everyone' | 'approver'): ApprovalCardData {
  return {
    fallbackText: `Approval needed: the email address ${view.emailAddress} of mailbox ${view.mailboxName} is pending approval. ${view.whyApprovalIsNeeded}`,
    ...commonData(view),
    hasRefresh: true,
    refreshUserIds: approvalRefreshUserIds(view.approverUserIds),
    statusText: 'Pending approval',
    statusColor: 'Default',
    hasNote: false,
    note: '',
    isReadOnlyPending: audience === 'everyone',
    showDecisionButtons: audience === 'approver',
    hasRemark: false,
    remarkText: '',
  };
}

/** What everyone sees while the request is pending; approvers in `refresh.userIds` get the approver view. */
export function renderApprovalBaseCard(view: ApprovalRequestView): AdaptiveCardJson {
  return template.expand(pendingData(view, 'everyone'));
}

/**
 * The base view plus the decision: Approve (primary, leftmost, with an optional comment) and "Reject…", which opens
 * a required reason before its Reject button. Buttons carry `{ requestId, version }` only; the inputs come with them.
 */
export function renderApprovalApproverCard(view: ApprovalRequestView): AdaptiveCardJson {
  return template.expand(pendingData(view, 'approver'));
}

/** "Approved by X at T" / "Rejected by X at T", without buttons or refresh: the request is closed. */
export function renderApprovalDecidedCard(view: ApprovalDecidedView): AdaptiveCardJson {
  const verb = view.decision === 'approved' ? 'Approved' : 'Rejected';
  const statusText = `${verb} by ${escapeMarkdown(view.decidedBy)} at ${formatUtc(view.decidedAt)}`;
  const remark = view.remark?.trim() ?? '';
  return template.expand({
    fallbackText: `${verb} by ${view.decidedBy} at ${formatUtc(view.decidedAt)}: the email address ${view.emailAddress} of mailbox ${view.mailboxName}.${remark === '' ? '' : ` ${view.decision === 'approved' ? 'Comment' : 'Reason'}: ${remark}`}`,
    ...commonData(view),
    hasRefresh: false,
    refreshUserIds: [],
    statusText,
    statusColor: view.decision === 'approved' ? 'Default' : 'Attention',
    hasNote: view.note !== undefined && view.note.trim() !== '',
    note: escapeMarkdown(view.note ?? ''),
    isReadOnlyPending: false,
    showDecisionButtons: false,
    hasRemark: remark !== '',
    remarkText: escapeMarkdown(`${view.decision === 'approved' ? 'Comment' : 'Reason'}: ${remark}`),
  });
}
