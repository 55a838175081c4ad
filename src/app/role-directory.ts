// The requester's directory (Microsoft Entra) roles come from a directory, not from our copy of the user:
// the organization file answers today, Microsoft Graph will later. Asked per turn, so a role granted or
// removed in the directory counts from the next message on.
import type { Office365Role } from '../domain/options.js';

export interface RoleDirectory {
  /** The Microsoft 365 admin roles the person with this Entra object id holds now; none for someone unknown. */
  rolesOf(aadObjectId: string): Promise<readonly Office365Role[]>;
  /**
   * Whether the person holds the Dynamics 365 administrator role (the permission table's "Service admin"), when
   * the directory knows (Microsoft Graph); without it the user record's flag stands.
   */
  isServiceAdministrator?(aadObjectId: string): Promise<boolean>;
}
