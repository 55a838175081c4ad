// Approval cards (issue "Approval cards"): see approval-card-service.ts for the whole flow.
import type { ApprovalRequestRepository } from '../../app/approvals/approval-requests.js';
import type { ApprovalCards, CoreServices } from '../services.js';
import { ApprovalCardService, type ApprovalCardsOptions } from './approval-card-service.js';

export { ApprovalCardService, type ApprovalCardsOptions } from './approval-card-service.js';
export { MAX_APPROVAL_CARD_RECIPIENTS, TEST_AND_ENABLE_BUTTON_TITLE } from './approval-views.js';

/** The approval cards of the running bot, keeping their requests in `repository` (main.ts builds it). */
export function createApprovalCards(core: CoreServices, repository: ApprovalRequestRepository, options: ApprovalCardsOptions = {}): ApprovalCards {
  return new ApprovalCardService(core, repository, options);
}
