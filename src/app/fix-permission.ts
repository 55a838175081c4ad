// Who may make the fix a diagnosis names: the same rule the fix's own use case applies, so a card offers the
// fix as a button only to who could run it.
import type { Directory } from '../domain/directory.js';
import type { DiagnosisFix } from '../domain/diagnosis.js';
import type { Mailbox, User } from '../domain/model.js';
import { canApproveEmail, canChangeDeliveryMethods, canTestAndEnable, type PermissionDecision } from '../domain/permissions.js';
import { canRequestApproval } from './authorization.js';

export function fixPermission(fix: DiagnosisFix): (requester: User, mailbox: Mailbox, directory: Directory) => PermissionDecision {
  switch (fix.kind) {
    case 'approve':
      return canApproveEmail;
    case 'requestApproval':
      return canRequestApproval;
    case 'applyDefaults':
    case 'syncFromThisOrgOnly':
      return canChangeDeliveryMethods;
    case 'testAgain':
      return canTestAndEnable;
  }
}
