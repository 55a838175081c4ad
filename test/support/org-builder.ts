// A small builder for test organizations: business units, security roles, users and queues, each with its mailbox,
// turned into a Directory with `directoryFromArrays`. Ids are the short keys you pass ('sales', 'ann'), so a test
// reads like the org chart it sets up.
//
//   const org = orgBuilder({ version: '9.1.0.5805', deployment: { customerEngagement: 'online', exchange: 'online' } })
//     .businessUnit('sales')                                    // child of the root unit
//     .role('approver', { privileges: { prvApproveRejectEmailAddress: 'BusinessUnit' }, businessUnit: 'sales' })
//     .user('ann', { businessUnit: 'sales', roles: [BuiltInRoleIds.systemAdministrator], office365Roles: ['GlobalAdministrator'] })
//     .queue('support', { owner: 'ann' })
//     .build();
//   canApproveEmail(org.user('ann'), org.queueMailbox('support'), org.directory);
//
// Every organization has a root business unit (`ROOT_BUSINESS_UNIT_ID`) and the three built-in roles of
// `BuiltInRoleIds` in it; every user and queue gets its mailbox (`mailbox-<key>`), as the product creates them.
import { directoryFromArrays } from '../../src/domain/directory.js';
import type { Directory } from '../../src/domain/directory.js';
import type {
  BusinessUnit,
  Deployment,
  EmailServerProfile,
  EmailSettings,
  Mailbox,
  MailboxRegarding,
  Organization,
  Queue,
  SecurityRole,
  User,
} from '../../src/domain/model.js';
import { ActDeliveryMethod, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, TestStatus } from '../../src/domain/options.js';
import type { Office365Role, Privilege, PrivilegeDepth, RoleTemplate, ServerType } from '../../src/domain/options.js';

export const ROOT_BUSINESS_UNIT_ID = 'root';

/** Ids of the built-in roles every built organization has, in the root business unit. */
export const BuiltInRoleIds = {
  /** Holds every privilege at Organization depth by virtue of its template; its privilege list stays empty. */
  systemAdministrator: 'system-administrator',
  /** Edits mailboxes and profiles (Read/Write Mailbox and Email Server Profile at Organization depth), not System Settings. */
  systemCustomizer: 'system-customizer',
  /** Purpose-built for approval: Approve Email Addresses at Organization depth. Approving still needs System Administrator. */
  delegatedMailboxApprover: 'delegated-mailbox-approver',
} as const;

export const DEFAULT_VERSION = '9.2.22104.00170';

export const defaultEmailSettings: EmailSettings = {
  defaultEmailServerProfileId: null,
  defaultIncomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  defaultOutgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
  defaultActDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
  requireApprovalForUserEmail: true,
  requireApprovalForQueueEmail: true,
  generateAlertsForErrors: true,
  generateAlertsForWarnings: false,
  generateAlertsForInformation: true,
  notifyMailboxOwnerOfEmailServerLevelAlerts: false,
  requirePrivilegeToSelfApproveEmailAddress: false,
  maxMailboxTransientFailures: 10,
  mailboxBackoffOnTransientErrorMinutes: 5,
  testAndEnableAfterApproval: false,
};

export interface OrganizationOptions {
  /** Product version; defaults to `DEFAULT_VERSION` (the first with the 2025 permission table). */
  readonly version?: string;
  /** Defaults to Customer Engagement (online) with Exchange Online. */
  readonly deployment?: Deployment;
  /** Overrides of `defaultEmailSettings`. */
  readonly settings?: Partial<EmailSettings>;
  readonly name?: string;
  readonly tenantId?: string;
}

export interface RoleOptions {
  readonly name?: string;
  readonly template?: RoleTemplate | null;
  readonly businessUnit?: string;
  readonly privileges?: Readonly<Partial<Record<Privilege, PrivilegeDepth>>>;
}

export interface UserOptions {
  readonly fullName?: string;
  /** Defaults to the root business unit. */
  readonly businessUnit?: string;
  /** Security role ids (keys given to `role`, or `BuiltInRoleIds`). */
  readonly roles?: readonly string[];
  readonly office365Roles?: readonly Office365Role[];
  readonly serviceAdministrator?: boolean;
  /** Defaults to `<key>@contoso.com`. */
  readonly email?: string;
  /** Defaults to the email address, which is what self-approval needs. */
  readonly userPrincipalName?: string;
  readonly active?: boolean;
  /** Field overrides for the user's mailbox. */
  readonly mailbox?: Partial<Omit<Mailbox, 'id' | 'regarding' | 'ownerId'>>;
}

export interface QueueOptions {
  /** Key of the owning user (required: a queue mailbox is owned by the queue's owner). */
  readonly owner: string;
  readonly name?: string;
  /** Defaults to the owner's business unit. */
  readonly businessUnit?: string;
  /** Defaults to `<key>@contoso.com`. */
  readonly email?: string;
  /** Field overrides for the queue's mailbox. */
  readonly mailbox?: Partial<Omit<Mailbox, 'id' | 'regarding' | 'ownerId'>>;
}

export interface ProfileOptions {
  readonly name?: string;
  readonly serverType?: ServerType;
  /** Key of the owning user; defaults to the first user added. */
  readonly owner?: string;
  readonly active?: boolean;
  /** Make it `organization.settings.defaultEmailServerProfileId`. */
  readonly isDefault?: boolean;
}

/** What `build()` returns: the Directory plus lookups that throw on a typo instead of returning undefined. */
export interface BuiltOrg {
  readonly directory: Directory;
  readonly organization: Organization;
  readonly businessUnits: readonly BusinessUnit[];
  readonly securityRoles: readonly SecurityRole[];
  readonly users: readonly User[];
  readonly queues: readonly Queue[];
  readonly profiles: readonly EmailServerProfile[];
  readonly mailboxes: readonly Mailbox[];
  user(id: string): User;
  queue(id: string): Queue;
  role(id: string): SecurityRole;
  businessUnit(id: string): BusinessUnit;
  profile(id: string): EmailServerProfile;
  /** The mailbox of the user `id`. */
  userMailbox(id: string): Mailbox;
  /** The mailbox of the queue `id`. */
  queueMailbox(id: string): Mailbox;
}

export const mailboxIdFor = (key: string): string => `mailbox-${key}`;

const titleCase = (key: string): string =>
  key
    .split(/[-_\s]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');

interface PendingUser {
  readonly id: string;
  readonly options: UserOptions;
}
interface PendingQueue {
  readonly id: string;
  readonly options: QueueOptions;
}

/** Builder for one organization. Methods return the builder; adding an id twice replaces the earlier entry. */
export class OrgBuilder {
  private readonly units = new Map<string, BusinessUnit>();
  private readonly roles = new Map<string, SecurityRole>();
  private readonly pendingUsers = new Map<string, PendingUser>();
  private readonly pendingQueues = new Map<string, PendingQueue>();
  private readonly pendingProfiles = new Map<string, ProfileOptions>();

  constructor(private readonly options: OrganizationOptions = {}) {
    this.units.set(ROOT_BUSINESS_UNIT_ID, { id: ROOT_BUSINESS_UNIT_ID, name: 'Contoso', parentBusinessUnitId: null });
    this.role(BuiltInRoleIds.systemAdministrator, { name: 'System Administrator', template: 'SystemAdministrator' });
    this.role(BuiltInRoleIds.systemCustomizer, {
      name: 'System Customizer',
      template: 'SystemCustomizer',
      privileges: {
        prvReadMailbox: 'Organization',
        prvWriteMailbox: 'Organization',
        prvReadEmailServerProfile: 'Organization',
        prvWriteEmailServerProfile: 'Organization',
      },
    });
    this.role(BuiltInRoleIds.delegatedMailboxApprover, {
      name: 'Delegated Mailbox Approver',
      template: 'DelegatedMailboxApprover',
      privileges: { prvApproveRejectEmailAddress: 'Organization' },
    });
  }

  /** A business unit under `parent` (the root unit by default). */
  businessUnit(id: string, options: { readonly name?: string; readonly parent?: string } = {}): this {
    this.units.set(id, { id, name: options.name ?? titleCase(id), parentBusinessUnitId: options.parent ?? ROOT_BUSINESS_UNIT_ID });
    return this;
  }

  /** A security role; a custom role (no template) unless `template` says otherwise. */
  role(id: string, options: RoleOptions = {}): this {
    this.roles.set(id, {
      id,
      name: options.name ?? titleCase(id),
      template: options.template ?? null,
      businessUnitId: options.businessUnit ?? ROOT_BUSINESS_UNIT_ID,
      privileges: options.privileges ?? {},
    });
    return this;
  }

  /** A user and their mailbox (`mailbox-<id>`). */
  user(id: string, options: UserOptions = {}): this {
    this.pendingUsers.set(id, { id, options });
    return this;
  }

  /** A queue and its mailbox (`mailbox-<id>`), owned by the queue's owner. */
  queue(id: string, options: QueueOptions): this {
    this.pendingQueues.set(id, { id, options });
    return this;
  }

  /** An email server profile; mailboxes stay unlinked unless their `mailbox` overrides say otherwise. */
  profile(id: string, options: ProfileOptions = {}): this {
    this.pendingProfiles.set(id, options);
    return this;
  }

  /** Checks every reference (units, roles, owners) and throws naming the first one that is missing. */
  build(): BuiltOrg {
    const unitIds = new Set(this.units.keys());
    const requireUnit = (unitId: string, usedBy: string): string => {
      if (!unitIds.has(unitId)) throw new Error(`${usedBy} refers to business unit "${unitId}", which was not added`);
      return unitId;
    };
    for (const unit of this.units.values()) {
      if (unit.parentBusinessUnitId !== null) requireUnit(unit.parentBusinessUnitId, `Business unit "${unit.id}"`);
    }
    for (const role of this.roles.values()) requireUnit(role.businessUnitId, `Role "${role.id}"`);

    const users = [...this.pendingUsers.values()].map(({ id, options }): User => {
      for (const roleId of options.roles ?? []) {
        if (!this.roles.has(roleId)) throw new Error(`User "${id}" refers to role "${roleId}", which was not added`);
      }
      const email = options.email ?? `${id}@contoso.com`;
      return {
        id,
        aadObjectId: `aad-${id}`,
        fullName: options.fullName ?? titleCase(id),
        primaryEmail: email,
        userPrincipalName: options.userPrincipalName ?? email,
        businessUnitId: requireUnit(options.businessUnit ?? ROOT_BUSINESS_UNIT_ID, `User "${id}"`),
        office365Roles: options.office365Roles ?? [],
        securityRoleIds: options.roles ?? [],
        isServiceAdministrator: options.serviceAdministrator ?? false,
        active: options.active ?? true,
      };
    });
    const usersById = new Map(users.map((user) => [user.id, user]));
    const requireUser = (userId: string, usedBy: string): User => {
      const user = usersById.get(userId);
      if (user === undefined) throw new Error(`${usedBy} refers to user "${userId}", which was not added`);
      return user;
    };

    const queues = [...this.pendingQueues.values()].map(({ id, options }): Queue => {
      const owner = requireUser(options.owner, `Queue "${id}"`);
      return {
        id,
        name: options.name ?? titleCase(id),
        emailAddress: options.email ?? `${id}@contoso.com`,
        ownerId: owner.id,
        businessUnitId: requireUnit(options.businessUnit ?? owner.businessUnitId, `Queue "${id}"`),
      };
    });

    const firstUser = users[0];
    const profiles = [...this.pendingProfiles.entries()].map(([id, options]): EmailServerProfile => {
      const ownerId = options.owner ?? firstUser?.id;
      if (ownerId === undefined) throw new Error(`Profile "${id}" needs an owner: add a user first or pass one`);
      return {
        id,
        name: options.name ?? titleCase(id),
        serverType: options.serverType ?? 'ExchangeOnline',
        ownerId: requireUser(ownerId, `Profile "${id}"`).id,
        active: options.active ?? true,
        description: '',
      };
    });
    const defaultProfileId = [...this.pendingProfiles.entries()].find(([, options]) => options.isDefault === true)?.[0];

    const settings: EmailSettings = {
      ...defaultEmailSettings,
      ...(defaultProfileId === undefined ? {} : { defaultEmailServerProfileId: defaultProfileId }),
      ...this.options.settings,
    };
    const organization: Organization = {
      id: 'org',
      name: this.options.name ?? 'Contoso',
      tenantId: this.options.tenantId ?? 'tenant-contoso',
      deployment: this.options.deployment ?? { customerEngagement: 'online', exchange: 'online' },
      version: this.options.version ?? DEFAULT_VERSION,
      exchangeOnline: { subscribed: true, tenantId: this.options.tenantId ?? 'tenant-contoso' },
      settings,
    };

    const mailboxes: Mailbox[] = [
      ...users.map((user) =>
        newMailbox(
          { key: user.id, name: user.fullName, emailAddress: user.primaryEmail, regarding: { type: 'systemuser', id: user.id }, ownerId: user.id },
          settings.defaultEmailServerProfileId,
          this.pendingUsers.get(user.id)?.options.mailbox,
        ),
      ),
      ...queues.map((queue) =>
        newMailbox(
          { key: queue.id, name: queue.name, emailAddress: queue.emailAddress, regarding: { type: 'queue', id: queue.id }, ownerId: queue.ownerId },
          settings.defaultEmailServerProfileId,
          this.pendingQueues.get(queue.id)?.options.mailbox,
        ),
      ),
    ];

    const businessUnits = [...this.units.values()];
    const securityRoles = [...this.roles.values()];
    const directory = directoryFromArrays({ organization, users, queues, securityRoles, businessUnits, profiles });
    const mailboxesById = new Map(mailboxes.map((mailbox) => [mailbox.id, mailbox]));
    const found = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`No ${what} in this test organization`);
      return value;
    };
    const mailboxOf = (key: string, regardingType: MailboxRegarding['type']): Mailbox => {
      const mailbox = found(mailboxesById.get(mailboxIdFor(key)), `mailbox for "${key}"`);
      if (mailbox.regarding.type !== regardingType) throw new Error(`"${key}" is a ${mailbox.regarding.type}, not a ${regardingType}`);
      return mailbox;
    };
    return {
      directory,
      organization,
      businessUnits,
      securityRoles,
      users,
      queues,
      profiles,
      mailboxes,
      user: (id) => found(directory.userById(id), `user "${id}"`),
      queue: (id) => found(directory.queueById(id), `queue "${id}"`),
      role: (id) => found(directory.roleById(id), `role "${id}"`),
      businessUnit: (id) => found(directory.businessUnitById(id), `business unit "${id}"`),
      profile: (id) => found(directory.profileById(id), `profile "${id}"`),
      userMailbox: (id) => mailboxOf(id, 'systemuser'),
      queueMailbox: (id) => mailboxOf(id, 'queue'),
    };
  }
}

/**
 * A mailbox as the product creates it with its user or queue: server-side sync for all three, linked to the default
 * profile if there is one, address pending approval, not yet tested and so not enabled.
 */
function newMailbox(
  identity: { readonly key: string; readonly name: string; readonly emailAddress: string; readonly regarding: MailboxRegarding; readonly ownerId: string },
  defaultProfileId: string | null,
  overrides: Partial<Omit<Mailbox, 'id' | 'regarding' | 'ownerId'>> = {},
): Mailbox {
  return {
    id: mailboxIdFor(identity.key),
    name: identity.name,
    emailAddress: identity.emailAddress,
    regarding: identity.regarding,
    ownerId: identity.ownerId,
    emailServerProfileId: defaultProfileId,
    incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    actDeliveryMethod: ActDeliveryMethod.ServerSideSynchronization,
    emailRouterAccessApproval: EmailApprovalStatus.PendingApproval,
    isEmailAddressApprovedByO365Admin: false,
    incomingEmailStatus: TestStatus.NotRun,
    outgoingEmailStatus: TestStatus.NotRun,
    actStatus: TestStatus.NotRun,
    mailboxStatus: TestStatus.NotRun,
    enabledForIncomingEmail: false,
    enabledForOutgoingEmail: false,
    enabledForAct: false,
    orgMarkedAsPrimaryForExchangeSync: false,
    testEmailConfigurationScheduled: false,
    testEmailConfigurationRetryCount: 0,
    postponeTestEmailConfigurationUntil: null,
    testMailboxAccessCompletedOn: null,
    active: true,
    version: 1,
    ...overrides,
  };
}

/** Start a test organization. */
export const orgBuilder = (options: OrganizationOptions = {}): OrgBuilder => new OrgBuilder(options);
