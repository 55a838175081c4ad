// The organization file: a hand-written JSON description of one Dynamics 365 organization and its
// simulated Exchange side, used to create the data file. Format documented in docs/org-file.md.
// Parsing is two steps: the zod schema (shape, types, option values, defaults), then the rules that
// span records (references, uniqueness, one mailbox per user and queue, profile and deployment fit).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type {
  BusinessUnit,
  EmailServerProfile,
  EmailSettings,
  Mailbox,
  MailboxRegarding,
  Organization,
  Queue,
  SecurityRole,
  User,
} from '../domain/model.js';
import {
  ActDeliveryMethod,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  TestStatus,
} from '../domain/options.js';
import type { ServerType } from '../domain/options.js';
import { EXCHANGE_ONLINE_PROFILE_NAME } from '../domain/exchange-online.js';
import { exchangeSimulationSchema } from '../app/exchange-simulation.js';
import type { ExchangeSimulation } from '../app/exchange-simulation.js';
import { DataFileError } from './json-file.js';
import {
  DATA_FILE_SCHEMA_VERSION,
  actMethodSchema,
  approvalStatusSchema,
  deploymentSchema,
  emailAddressSchema,
  entraIdSchema,
  idSchema,
  incomingMethodSchema,
  nameSchema,
  office365RoleSchema,
  outgoingMethodSchema,
  privilegesSchema,
  productVersionSchema,
  roleTemplateSchema,
  serverTypeSchema,
  testStatusSchema,
  timestampSchema,
} from './schema.js';
import type { DataFileDocument } from './schema.js';
import { describeIssues, formatJsonPath } from '../shared/zod-problems.js';

/** An organization file that cannot be used. The message names the file and every problem's JSON path. */
export class OrganizationFileError extends DataFileError {
  override readonly name: string = 'OrganizationFileError';
  constructor(filePath: string, problems: readonly string[], summary = 'is not a valid organization file') {
    super(filePath, problems, summary);
  }
}


// ---------------------------------------------------------------------------------------------
// The file schema. Optional fields get the product defaults here or, when they depend on other
// records (a user's business unit, a mailbox's address), in `resolve` below.

const emailSettingsFileSchema = z
  .object({
    defaultEmailServerProfileId: idSchema.nullable().default(null),
    defaultIncomingEmailDeliveryMethod: incomingMethodSchema.default(IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter),
    defaultOutgoingEmailDeliveryMethod: outgoingMethodSchema.default(OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter),
    defaultActDeliveryMethod: actMethodSchema.default(ActDeliveryMethod.ServerSideSynchronization),
    // Docs: "enabled by default" (metadata says No; domain.md §10.1 decides for the product behaviour).
    requireApprovalForUserEmail: z.boolean().default(true),
    requireApprovalForQueueEmail: z.boolean().default(true),
    // System Settings › Email: Error and Information are checked by default, Warning is not.
    generateAlertsForErrors: z.boolean().default(true),
    generateAlertsForWarnings: z.boolean().default(false),
    generateAlertsForInformation: z.boolean().default(true),
    notifyMailboxOwnerOfEmailServerLevelAlerts: z.boolean().default(false),
    requirePrivilegeToSelfApproveEmailAddress: z.boolean().default(false),
    // Transient errors: retried up to 10 times, 5 minutes apart (troubleshooting doc).
    maxMailboxTransientFailures: z.number().int().min(0).default(10),
    mailboxBackoffOnTransientErrorMinutes: z.number().int().min(0).default(5),
    testAndEnableAfterApproval: z.boolean().default(true),
  })
  .strict();

const businessUnitFileSchema = z
  .object({ id: idSchema, name: nameSchema, parentBusinessUnitId: idSchema.nullable().default(null) })
  .strict();

const securityRoleFileSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    template: roleTemplateSchema.nullable().default(null),
    businessUnitId: idSchema.optional(),
    privileges: privilegesSchema.default({}),
  })
  .strict();

const userFileSchema = z
  .object({
    id: idSchema,
    aadObjectId: entraIdSchema,
    fullName: nameSchema,
    primaryEmail: emailAddressSchema,
    userPrincipalName: emailAddressSchema.optional(),
    businessUnitId: idSchema.optional(),
    office365Roles: z.array(office365RoleSchema).default([]),
    securityRoleIds: z.array(idSchema).default([]),
    isServiceAdministrator: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .strict();

const queueFileSchema = z
  .object({ id: idSchema, name: nameSchema, emailAddress: emailAddressSchema, ownerId: idSchema, businessUnitId: idSchema.optional() })
  .strict();

const profileFileSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    serverType: serverTypeSchema,
    ownerId: idSchema,
    active: z.boolean().default(true),
    description: z.string().default(''),
  })
  .strict();

const mailboxFileSchema = z
  .object({
    id: idSchema.optional(),
    regarding: z.discriminatedUnion('type', [
      z.object({ type: z.literal('systemuser'), id: idSchema }).strict(),
      z.object({ type: z.literal('queue'), id: idSchema }).strict(),
    ]),
    name: nameSchema.optional(),
    emailAddress: emailAddressSchema.optional(),
    emailServerProfileId: idSchema.nullable().optional(),
    incomingEmailDeliveryMethod: incomingMethodSchema.optional(),
    outgoingEmailDeliveryMethod: outgoingMethodSchema.optional(),
    actDeliveryMethod: actMethodSchema.optional(),
    emailRouterAccessApproval: approvalStatusSchema.default(EmailApprovalStatus.Empty),
    isEmailAddressApprovedByO365Admin: z.boolean().default(false),
    incomingEmailStatus: testStatusSchema.default(TestStatus.NotRun),
    outgoingEmailStatus: testStatusSchema.default(TestStatus.NotRun),
    actStatus: testStatusSchema.default(TestStatus.NotRun),
    mailboxStatus: testStatusSchema.default(TestStatus.NotRun),
    enabledForIncomingEmail: z.boolean().default(true),
    enabledForOutgoingEmail: z.boolean().default(true),
    enabledForAct: z.boolean().default(true),
    orgMarkedAsPrimaryForExchangeSync: z.boolean().default(false),
    testEmailConfigurationScheduled: z.boolean().default(false),
    testEmailConfigurationRetryCount: z.number().int().min(0).default(0),
    postponeTestEmailConfigurationUntil: timestampSchema.nullable().default(null),
    testMailboxAccessCompletedOn: timestampSchema.nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict();

export const organizationFileSchema = z
  .object({
    /** `organizationid` */
    id: idSchema,
    name: nameSchema,
    deployment: deploymentSchema,
    version: productVersionSchema,
    tenantId: entraIdSchema,
    exchangeOnline: z
      .object({ subscribed: z.boolean(), tenantId: entraIdSchema.nullable().default(null) })
      .strict()
      .prefault({ subscribed: false }),
    emailSettings: emailSettingsFileSchema.prefault({}),
    businessUnits: z.array(businessUnitFileSchema).min(1, 'an organization has at least its root business unit'),
    securityRoles: z.array(securityRoleFileSchema).default([]),
    users: z.array(userFileSchema).default([]),
    queues: z.array(queueFileSchema).default([]),
    profiles: z.array(profileFileSchema).default([]),
    mailboxes: z.array(mailboxFileSchema).default([]),
    exchange: exchangeSimulationSchema,
  })
  .strict();

export type OrganizationFile = z.infer<typeof organizationFileSchema>;
type MailboxEntry = z.infer<typeof mailboxFileSchema>;

/** An organization as the rest of the system sees it: domain records, every default applied. */
export interface OrganizationData {
  readonly organization: Organization;
  readonly businessUnits: readonly BusinessUnit[];
  readonly securityRoles: readonly SecurityRole[];
  readonly users: readonly User[];
  readonly queues: readonly Queue[];
  readonly profiles: readonly EmailServerProfile[];
  /** Listed mailboxes first, in file order, then one created for each user and queue without one. */
  readonly mailboxes: readonly Mailbox[];
  readonly exchange: ExchangeSimulation;
}

// ---------------------------------------------------------------------------------------------
// New mailboxes.

const usesServerSideSync = (methods: Pick<Mailbox, 'incomingEmailDeliveryMethod' | 'outgoingEmailDeliveryMethod' | 'actDeliveryMethod'>): boolean =>
  methods.incomingEmailDeliveryMethod === IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter ||
  methods.outgoingEmailDeliveryMethod === OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter ||
  methods.actDeliveryMethod === ActDeliveryMethod.ServerSideSynchronization;

/** The id a user's or queue's own mailbox gets when the file gives none. */
export const defaultMailboxId = (regarding: MailboxRegarding): string => `mailbox-${regarding.id}`;

/**
 * The mailbox Dynamics creates with a user or queue: the organization's default delivery methods, the
 * default profile when any method is server-side synchronization, nothing tested, nothing approved.
 */
export function newMailboxFor(
  owner: { readonly type: 'systemuser'; readonly user: User } | { readonly type: 'queue'; readonly queue: Queue },
  settings: EmailSettings,
): Mailbox {
  const regarding: MailboxRegarding = owner.type === 'systemuser' ? { type: 'systemuser', id: owner.user.id } : { type: 'queue', id: owner.queue.id };
  return mailboxFromEntry(
    mailboxFileSchema.parse({ regarding }),
    owner.type === 'systemuser'
      ? { name: owner.user.fullName, emailAddress: owner.user.primaryEmail, ownerId: owner.user.id }
      : { name: owner.queue.name, emailAddress: owner.queue.emailAddress, ownerId: owner.queue.ownerId },
    settings,
  );
}

function mailboxFromEntry(entry: MailboxEntry, owner: { name: string; emailAddress: string; ownerId: string }, settings: EmailSettings): Mailbox {
  const methods = {
    incomingEmailDeliveryMethod: entry.incomingEmailDeliveryMethod ?? settings.defaultIncomingEmailDeliveryMethod,
    outgoingEmailDeliveryMethod: entry.outgoingEmailDeliveryMethod ?? settings.defaultOutgoingEmailDeliveryMethod,
    actDeliveryMethod: entry.actDeliveryMethod ?? settings.defaultActDeliveryMethod,
  };
  const defaultProfile = usesServerSideSync(methods) ? settings.defaultEmailServerProfileId : null;
  return {
    id: entry.id ?? defaultMailboxId(entry.regarding),
    name: entry.name ?? owner.name,
    emailAddress: entry.emailAddress ?? owner.emailAddress,
    regarding: entry.regarding,
    ownerId: owner.ownerId,
    emailServerProfileId: entry.emailServerProfileId === undefined ? defaultProfile : entry.emailServerProfileId,
    ...methods,
    emailRouterAccessApproval: entry.emailRouterAccessApproval,
    isEmailAddressApprovedByO365Admin: entry.isEmailAddressApprovedByO365Admin,
    incomingEmailStatus: entry.incomingEmailStatus,
    outgoingEmailStatus: entry.outgoingEmailStatus,
    actStatus: entry.actStatus,
    mailboxStatus: entry.mailboxStatus,
    enabledForIncomingEmail: entry.enabledForIncomingEmail,
    enabledForOutgoingEmail: entry.enabledForOutgoingEmail,
    enabledForAct: entry.enabledForAct,
    orgMarkedAsPrimaryForExchangeSync: entry.orgMarkedAsPrimaryForExchangeSync,
    testEmailConfigurationScheduled: entry.testEmailConfigurationScheduled,
    testEmailConfigurationRetryCount: entry.testEmailConfigurationRetryCount,
    postponeTestEmailConfigurationUntil: entry.postponeTestEmailConfigurationUntil,
    testMailboxAccessCompletedOn: entry.testMailboxAccessCompletedOn,
    active: entry.active,
    version: 1,
  };
}

// ---------------------------------------------------------------------------------------------
// Rules across records. Each problem is `json.path: what is wrong`.

class Problems {
  readonly lines: string[] = [];
  add(path: readonly PropertyKey[], message: string): void {
    this.lines.push(`${formatJsonPath(path)}: ${message}`);
  }
}

const key = (text: string): string => text.trim().toLowerCase();

function knownIds(ids: Iterable<string>): string {
  const list = [...ids];
  if (list.length === 0) return 'none are defined';
  const shown = list.slice(0, 8).map((id) => `"${id}"`).join(', ');
  return `known: ${shown}${list.length > 8 ? `, … (${list.length} in all)` : ''}`;
}

/** Reports every repeated key; returns the index of each key's first occurrence. */
function firstOccurrences<T>(
  section: string | readonly PropertyKey[],
  items: readonly T[],
  field: string,
  keyOf: (item: T) => string,
  problems: Problems,
): Map<string, number> {
  const sectionPath = typeof section === 'string' ? [section] : section;
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const value = keyOf(item);
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, index);
    else problems.add([...sectionPath, index, field], `duplicate ${field} "${value}" (already used by ${formatJsonPath([...sectionPath, earlier])})`);
  });
  return first;
}

function checkReference(path: readonly PropertyKey[], id: string | null | undefined, known: ReadonlyMap<string, unknown>, what: string, problems: Problems): void {
  if (id === null || id === undefined || known.has(id)) return;
  problems.add(path, `unknown ${what} "${id}" (${knownIds(known.keys())})`);
}

/** Which side of the deployment each server type serves (legacy profile form: type 0 means "same deployment"). */
const serverTypeNeeds: Readonly<Record<ServerType, { readonly customerEngagement: 'online' | 'onPremises' | 'either'; readonly why: string }>> = {
  ExchangeOnline: { customerEngagement: 'online', why: 'Exchange Online (server-to-server) profiles exist only for Customer Engagement online' },
  ExchangeServerHybrid: { customerEngagement: 'online', why: 'Exchange Server (Hybrid) connects Customer Engagement online to Exchange on-premises' },
  ExchangeServer: { customerEngagement: 'onPremises', why: 'Exchange Server connects Customer Engagement on-premises to Exchange on-premises' },
  ExchangeOnlineHybrid: { customerEngagement: 'onPremises', why: 'Exchange Online (Hybrid) connects Customer Engagement on-premises to Exchange Online' },
  Pop3Smtp: { customerEngagement: 'either', why: '' },
  ImapSmtp: { customerEngagement: 'either', why: '' },
};

function checkBusinessUnitTree(file: OrganizationFile, units: ReadonlyMap<string, number>, problems: Problems): void {
  const roots = file.businessUnits.flatMap((unit, index) => (unit.parentBusinessUnitId === null ? [index] : []));
  if (roots.length !== 1) {
    problems.add(['businessUnits'], `exactly one root business unit (parentBusinessUnitId null) is required, found ${roots.length}`);
  }
  file.businessUnits.forEach((unit, index) => {
    checkReference(['businessUnits', index, 'parentBusinessUnitId'], unit.parentBusinessUnitId, units, 'business unit', problems);
    const visited = new Set<string>([unit.id]);
    let parent = unit.parentBusinessUnitId;
    while (parent !== null) {
      if (visited.has(parent)) {
        problems.add(['businessUnits', index, 'parentBusinessUnitId'], `business unit "${unit.id}" is its own ancestor`);
        return;
      }
      visited.add(parent);
      const parentIndex = units.get(parent);
      parent = parentIndex === undefined ? null : (file.businessUnits[parentIndex]?.parentBusinessUnitId ?? null);
    }
  });
}

function checkOrganization(file: OrganizationFile, problems: Problems): void {
  const { exchangeOnline } = file;
  if (exchangeOnline.subscribed && exchangeOnline.tenantId === null) {
    problems.add(['exchangeOnline', 'tenantId'], 'required when subscribed is true: the tenant the Exchange Online subscription lives in');
  }
  if (!exchangeOnline.subscribed && exchangeOnline.tenantId !== null) {
    problems.add(['exchangeOnline', 'tenantId'], 'must be null when subscribed is false');
  }
  if (file.deployment.customerEngagement === 'onPremises') {
    // The permission model has no Microsoft 365 admin roles for Customer Engagement on-premises (n/a).
    file.users.forEach((user, index) => {
      if (user.office365Roles.length > 0) {
        problems.add(['users', index, 'office365Roles'], 'must be empty: Customer Engagement on-premises has no Microsoft 365 admin roles');
      }
      if (user.isServiceAdministrator) {
        problems.add(['users', index, 'isServiceAdministrator'], 'must be false: the Dynamics 365 Service administrator role exists only online');
      }
    });
  }
}

function checkProfiles(file: OrganizationFile, users: ReadonlyMap<string, number>, profiles: ReadonlyMap<string, number>, problems: Problems): void {
  const sameTenantSubscription = file.exchangeOnline.subscribed && file.exchangeOnline.tenantId === file.tenantId;
  file.profiles.forEach((profile, index) => {
    checkReference(['profiles', index, 'ownerId'], profile.ownerId, users, 'user', problems);
    const needs = serverTypeNeeds[profile.serverType];
    if (needs.customerEngagement !== 'either' && needs.customerEngagement !== file.deployment.customerEngagement) {
      problems.add(['profiles', index, 'serverType'], `"${profile.serverType}" does not fit this deployment: ${needs.why}`);
    }
    if (key(profile.name) === key(EXCHANGE_ONLINE_PROFILE_NAME) && !sameTenantSubscription) {
      problems.add(
        ['profiles', index, 'name'],
        `the "${EXCHANGE_ONLINE_PROFILE_NAME}" profile exists only when the organization has an Exchange Online subscription in its own tenant (exchangeOnline.subscribed true and exchangeOnline.tenantId equal to tenantId ${file.tenantId})`,
      );
    }
  });
  const defaultProfileId = file.emailSettings.defaultEmailServerProfileId;
  const defaultIndex = defaultProfileId === null ? undefined : profiles.get(defaultProfileId);
  checkReference(['emailSettings', 'defaultEmailServerProfileId'], defaultProfileId, profiles, 'email server profile', problems);
  if (defaultIndex !== undefined && file.profiles[defaultIndex]?.active === false) {
    problems.add(['emailSettings', 'defaultEmailServerProfileId'], `the default profile "${defaultProfileId}" is inactive (profiles[${defaultIndex}].active is false)`);
  }
}

function checkPeople(file: OrganizationFile, ids: Record<'units' | 'roles' | 'users', ReadonlyMap<string, number>>, problems: Problems): void {
  firstOccurrences('users', file.users, 'aadObjectId', (user) => key(user.aadObjectId), problems);
  firstOccurrences('users', file.users, 'userPrincipalName', (user) => key(user.userPrincipalName ?? user.primaryEmail), problems);
  file.securityRoles.forEach((role, index) => {
    checkReference(['securityRoles', index, 'businessUnitId'], role.businessUnitId, ids.units, 'business unit', problems);
  });
  file.users.forEach((user, index) => {
    checkReference(['users', index, 'businessUnitId'], user.businessUnitId, ids.units, 'business unit', problems);
    user.securityRoleIds.forEach((roleId, roleIndex) => {
      checkReference(['users', index, 'securityRoleIds', roleIndex], roleId, ids.roles, 'security role', problems);
    });
  });
  file.queues.forEach((queue, index) => {
    checkReference(['queues', index, 'ownerId'], queue.ownerId, ids.users, 'user', problems);
    checkReference(['queues', index, 'businessUnitId'], queue.businessUnitId, ids.units, 'business unit', problems);
  });
  // A user and a queue (or two of either) cannot share an address: each address is one mailbox.
  const addresses = [
    ...file.users.map((user, index) => ({ address: key(user.primaryEmail), path: ['users', index, 'primaryEmail'] as const })),
    ...file.queues.map((queue, index) => ({ address: key(queue.emailAddress), path: ['queues', index, 'emailAddress'] as const })),
  ];
  const seen = new Map<string, readonly PropertyKey[]>();
  for (const { address, path } of addresses) {
    const earlier = seen.get(address);
    if (earlier === undefined) seen.set(address, path);
    else problems.add(path, `duplicate email address "${address}" (already used by ${formatJsonPath(earlier)})`);
  }
}

function checkMailboxes(file: OrganizationFile, ids: Record<'users' | 'queues' | 'profiles', ReadonlyMap<string, number>>, problems: Problems): void {
  const mailboxOf = new Map<string, number>();
  file.mailboxes.forEach((entry, index) => {
    const { type, id } = entry.regarding;
    const known = type === 'systemuser' ? ids.users : ids.queues;
    const recordIndex = known.get(id);
    if (recordIndex === undefined) {
      problems.add(['mailboxes', index, 'regarding', 'id'], `unknown ${type === 'systemuser' ? 'user' : 'queue'} "${id}" (${knownIds(known.keys())})`);
      return;
    }
    const regarding = `${type}:${id}`;
    const earlier = mailboxOf.get(regarding);
    if (earlier !== undefined) {
      problems.add(['mailboxes', index, 'regarding'], `${type === 'systemuser' ? 'user' : 'queue'} "${id}" already has a mailbox (mailboxes[${earlier}]): exactly one mailbox per user and per queue`);
    } else {
      mailboxOf.set(regarding, index);
    }
    const recordAddress = type === 'systemuser' ? file.users[recordIndex]?.primaryEmail : file.queues[recordIndex]?.emailAddress;
    if (entry.emailAddress !== undefined && recordAddress !== undefined && key(entry.emailAddress) !== key(recordAddress)) {
      problems.add(
        ['mailboxes', index, 'emailAddress'],
        `"${entry.emailAddress}" differs from the ${type === 'systemuser' ? 'user' : 'queue'}'s address "${recordAddress}"; a user or queue mailbox has its owner's address (leave it out)`,
      );
    }
    checkReference(['mailboxes', index, 'emailServerProfileId'], entry.emailServerProfileId, ids.profiles, 'email server profile', problems);
  });
}

// ---------------------------------------------------------------------------------------------

function resolve(file: OrganizationFile): OrganizationData {
  const rootUnitId = file.businessUnits.find((unit) => unit.parentBusinessUnitId === null)?.id ?? file.businessUnits[0]?.id ?? '';
  const settings: EmailSettings = file.emailSettings;
  const organization: Organization = {
    id: file.id,
    name: file.name,
    tenantId: file.tenantId,
    deployment: file.deployment,
    version: file.version,
    exchangeOnline: file.exchangeOnline,
    settings,
  };
  const securityRoles: SecurityRole[] = file.securityRoles.map((role) => ({ ...role, businessUnitId: role.businessUnitId ?? rootUnitId }));
  const users: User[] = file.users.map((user) => ({
    ...user,
    userPrincipalName: user.userPrincipalName ?? user.primaryEmail,
    businessUnitId: user.businessUnitId ?? rootUnitId,
  }));
  const usersById = new Map(users.map((user) => [user.id, user]));
  const queues: Queue[] = file.queues.map((queue) => ({
    ...queue,
    businessUnitId: queue.businessUnitId ?? usersById.get(queue.ownerId)?.businessUnitId ?? rootUnitId,
  }));
  const queuesById = new Map(queues.map((queue) => [queue.id, queue]));

  const listed = file.mailboxes.flatMap((entry) => {
    if (entry.regarding.type === 'systemuser') {
      const user = usersById.get(entry.regarding.id);
      return user === undefined ? [] : [mailboxFromEntry(entry, { name: user.fullName, emailAddress: user.primaryEmail, ownerId: user.id }, settings)];
    }
    const queue = queuesById.get(entry.regarding.id);
    return queue === undefined ? [] : [mailboxFromEntry(entry, { name: queue.name, emailAddress: queue.emailAddress, ownerId: queue.ownerId }, settings)];
  });
  const hasMailbox = new Set(listed.map((mailbox) => `${mailbox.regarding.type}:${mailbox.regarding.id}`));
  const created = [
    ...users.filter((user) => !hasMailbox.has(`systemuser:${user.id}`)).map((user) => newMailboxFor({ type: 'systemuser', user }, settings)),
    ...queues.filter((queue) => !hasMailbox.has(`queue:${queue.id}`)).map((queue) => newMailboxFor({ type: 'queue', queue }, settings)),
  ];
  return {
    organization,
    businessUnits: file.businessUnits,
    securityRoles,
    users,
    queues,
    profiles: file.profiles,
    mailboxes: [...listed, ...created],
    exchange: file.exchange,
  };
}

/**
 * Parses an organization file's JSON value: shape first, then the rules across records. Throws
 * `OrganizationFileError` listing every problem with its JSON path; `source` names the file in it.
 */
export function parseOrganizationFile(raw: unknown, source: string): OrganizationData {
  const parsed = organizationFileSchema.safeParse(raw);
  if (!parsed.success) throw new OrganizationFileError(source, describeIssues(parsed.error));
  const file = parsed.data;

  const problems = new Problems();
  const byId = (item: { readonly id: string }): string => item.id;
  const units = firstOccurrences('businessUnits', file.businessUnits, 'id', byId, problems);
  const roles = firstOccurrences('securityRoles', file.securityRoles, 'id', byId, problems);
  const users = firstOccurrences('users', file.users, 'id', byId, problems);
  const queues = firstOccurrences('queues', file.queues, 'id', byId, problems);
  const profiles = firstOccurrences('profiles', file.profiles, 'id', byId, problems);
  firstOccurrences(['exchange', 'mailboxes'], file.exchange.mailboxes, 'emailAddress', (mailbox) => key(mailbox.emailAddress), problems);
  checkBusinessUnitTree(file, units, problems);
  checkOrganization(file, problems);
  checkProfiles(file, users, profiles, problems);
  checkPeople(file, { units, roles, users }, problems);
  checkMailboxes(file, { users, queues, profiles }, problems);
  if (problems.lines.length > 0) throw new OrganizationFileError(source, problems.lines);

  const data = resolve(file);
  // Ids of created mailboxes follow a pattern, so they can collide with an id the file chose.
  const mailboxIds = new Problems();
  firstOccurrences('mailboxes', data.mailboxes, 'id', byId, mailboxIds);
  if (mailboxIds.lines.length > 0) {
    throw new OrganizationFileError(source, [
      ...mailboxIds.lines,
      `(mailboxes without an id, and those created for users and queues without a mailbox, get the id "mailbox-<user or queue id>")`,
    ]);
  }
  return data;
}

/** Reads, parses and checks an organization file. */
export async function loadOrganizationFile(path: string): Promise<OrganizationData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OrganizationFileError(path, [`(root): ${error instanceof Error ? error.message : String(error)}`], 'cannot be read');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new OrganizationFileError(path, [`(root): not JSON (${error instanceof Error ? error.message : String(error)})`]);
  }
  return parseOrganizationFile(raw, path);
}

/** The first data-file document of an organization: its records, no alerts, no audit yet. */
export function organizationToDocument(data: OrganizationData): DataFileDocument {
  return {
    schemaVersion: DATA_FILE_SCHEMA_VERSION,
    notify: { references: [], outbox: [] },
    organization: data.organization,
    businessUnits: [...data.businessUnits],
    securityRoles: [...data.securityRoles],
    users: [...data.users],
    queues: [...data.queues],
    profiles: [...data.profiles],
    mailboxes: [...data.mailboxes],
    alerts: [],
    audit: [],
    exchangeSimulation: data.exchange,
  };
}

/** The seed for a data file that does not exist yet: `openEmailConfigStore(dataPath, () => seedDocument(orgPath))`. */
export async function seedDocument(orgFilePath: string): Promise<DataFileDocument> {
  return organizationToDocument(await loadOrganizationFile(orgFilePath));
}
