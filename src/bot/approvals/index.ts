// Approval cards (issue "Approval cards"): see approval-card-service.ts for the whole flow.
import { DocumentApprovalRequestRepository } from '../../store/approvals-repository.js';
import type { ApprovalCards, CoreServices } from '../services.js';
import { ApprovalCardService, type ApprovalCardsOptions } from './approval-card-service.js';

export { ApprovalCardService, type ApprovalCardsOptions } from './approval-card-service.js';
export { MAX_APPROVAL_CARD_RECIPIENTS, TEST_AND_ENABLE_BUTTON_TITLE } from './approval-views.js';

/** The approval cards of the running bot, keeping their requests in the data file's `approvalRequests` section. */
export function createApprovalCards(core: CoreServices, options: ApprovalCardsOptions = {}): ApprovalCards {
  return new ApprovalCardService(core, new DocumentApprovalRequestRepository(core.store), options);
}
