// PLACEHOLDER until approval cards land.
import type { ApprovalCards, CoreServices } from '../services.js';

export function createApprovalCards(_core: CoreServices): ApprovalCards {
  return {
    handleAction: () => Promise.resolve({ message: 'Approval cards are not available yet.' }),
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}
