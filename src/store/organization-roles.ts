// The role directory the organization file provides: the Microsoft 365 admin roles written on its users
// (kept in the data file once seeded). Microsoft Graph replaces it for a real tenant.
import type { EmailConfigStore } from './email-config-store.js';
import type { RoleDirectory } from '../app/role-directory.js';
import type { Office365Role } from '../domain/options.js';

export class OrganizationFileRoleDirectory implements RoleDirectory {
  constructor(private readonly users: Pick<EmailConfigStore, 'userByAadObjectId'>) {}

  rolesOf(aadObjectId: string): Promise<readonly Office365Role[]> {
    return Promise.resolve(this.users.userByAadObjectId(aadObjectId)?.office365Roles ?? []);
  }
}
