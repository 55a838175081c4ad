// Who holds which Entra directory role, shared by the fake Dataverse (approval needs a Global or
// Exchange administrator caller) and the fake Graph (transitiveMemberOf). Seeded from the
// organization file's office365Roles and isServiceAdministrator; tests can grant roles to any
// object id, such as the bot's service principal.
import type { OrganizationData } from '../../src/store/org-file.js';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';

export class FakeDirectory {
  private readonly roles = new Map<string, Set<string>>();

  grant(objectId: string, roleTemplateId: string): void {
    const key = objectId.toLowerCase();
    const held = this.roles.get(key) ?? new Set<string>();
    held.add(roleTemplateId);
    this.roles.set(key, held);
  }

  revoke(objectId: string, roleTemplateId: string): void {
    this.roles.get(objectId.toLowerCase())?.delete(roleTemplateId);
  }

  readonly #eligible = new Map<string, Set<string>>();

  /** A role the person may activate in Privileged Identity Management (not held until activated). */
  makeEligible(objectId: string, roleTemplateId: string): void {
    const key = objectId.toLowerCase();
    this.#eligible.set(key, new Set([...(this.#eligible.get(key) ?? []), roleTemplateId]));
  }

  eligibleRoleTemplateIdsOf(objectId: string): ReadonlySet<string> {
    return this.#eligible.get(objectId.toLowerCase()) ?? new Set();
  }

  roleTemplateIdsOf(objectId: string): ReadonlySet<string> {
    return this.roles.get(objectId.toLowerCase()) ?? new Set();
  }

  /** Every object id the directory knows as a user (to answer 404 for others). */
  readonly users = new Set<string>();

  static fromOrganization(data: OrganizationData): FakeDirectory {
    const directory = new FakeDirectory();
    for (const user of data.users) {
      directory.users.add(user.aadObjectId.toLowerCase());
      for (const role of user.office365Roles) directory.grant(user.aadObjectId, DirectoryRoleTemplateIds[role]);
      if (user.isServiceAdministrator) directory.grant(user.aadObjectId, DirectoryRoleTemplateIds.Dynamics365Administrator);
    }
    return directory;
  }
}
