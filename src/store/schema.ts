// The zod schema of the data file: the whole system of record in one versioned JSON document.
// Record schemas produce exactly the domain types (checked at compile time at the bottom of this file).
import { z } from 'zod';
import type {
  Alert,
  AuditEntry,
  BusinessUnit,
  EmailServerProfile,
  EmailSettings,
  Mailbox,
  Organization,
  Queue,
  SecurityRole,
  User,
} from '../domain/model.js';
import {
  ActDeliveryMethod,
  AlertLevel,
  EmailApprovalStatus,
  IncomingEmailDeliveryMethod,
  Office365Roles,
  OutgoingEmailDeliveryMethod,
  Privileges,
  PrivilegeDepths,
  RoleTemplates,
  ServerTypes,
  TestStatus,
  actMethodLabel,
  alertLevelLabel,
  approvalStatusLabel,
  incomingMethodLabel,
  outgoingMethodLabel,
  testStatusLabel,
} from '../domain/options.js';
import { isProductVersion } from '../domain/version.js';
import { exchangeSimulationSchema } from '../app/exchange-simulation.js';
import { alertSubscriptionRecordSchema, jobRecordSchema } from '../app/jobs/job-records.js';
import { notifyStateSchema } from '../app/notify-state.js';
import { approvalRequestRecordSchema } from '../app/approvals/approval-requests.js';
import { EMPTY_EVENT_OUTBOX, eventOutboxSectionSchema } from '../app/event-outbox.js';
import { formatJsonPath } from '../shared/zod-problems.js';

/** The only data-file layout this build reads and writes. Bump it with a migration, never silently. */
export const DATA_FILE_SCHEMA_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Field schemas, shared with the organization file.

export const idSchema = z.string().trim().min(1, 'must not be empty');
export const nameSchema = z.string().trim().min(1, 'must not be empty');
export const emailAddressSchema = z.string().trim().pipe(z.email('must be an email address like ada@contoso.com'));
export const timestampSchema = z.iso.datetime({ message: 'must be an ISO-8601 UTC timestamp like 2025-01-31T09:30:00Z' });
export const entraIdSchema = z.uuid('must be a GUID like 7a1d2c3b-0000-4000-8000-00000000c0de');
export const productVersionSchema = z
  .string()
  .refine(isProductVersion, 'must be a product version like 9.1.0.5805 (two to four numbers separated by dots)');

/**
 * A Dataverse option set, stored as its numeric value. The error lists every value with its label,
 * because a bare number in a JSON file says nothing to whoever edits it.
 */
function optionSetSchema<const Value extends number>(
  optionSet: Readonly<Record<string, Value>>,
  labels: Readonly<Record<Value, string>>,
): z.ZodLiteral<Value> {
  const values = Object.values(optionSet);
  const choices = values.map((value) => `${value} (${labels[value]})`).join(' | ');
  return z.literal(values, { error: `Invalid option: expected ${choices}` });
}

export const incomingMethodSchema = optionSetSchema(IncomingEmailDeliveryMethod, incomingMethodLabel);
export const outgoingMethodSchema = optionSetSchema(OutgoingEmailDeliveryMethod, outgoingMethodLabel);
export const actMethodSchema = optionSetSchema(ActDeliveryMethod, actMethodLabel);
export const testStatusSchema = optionSetSchema(TestStatus, testStatusLabel);
export const approvalStatusSchema = optionSetSchema(EmailApprovalStatus, approvalStatusLabel);
export const alertLevelSchema = optionSetSchema(AlertLevel, alertLevelLabel);
export const serverTypeSchema = z.enum(ServerTypes);
export const office365RoleSchema = z.enum(Office365Roles);
export const roleTemplateSchema = z.enum(RoleTemplates);
export const privilegeDepthSchema = z.enum(PrivilegeDepths);
/** Only the privileges the role grants; an unknown privilege name is an error, not ignored. */
export const privilegesSchema = z.partialRecord(z.enum(Privileges), privilegeDepthSchema);
export const deploymentSchema = z
  .object({ customerEngagement: z.enum(['online', 'onPremises']), exchange: z.enum(['online', 'onPremises']) })
  .strict();

// ---------------------------------------------------------------------------------------------
// Record schemas: one per domain record, every field required (the data file is written by us).

export const emailSettingsSchema = z
  .object({
    defaultEmailServerProfileId: idSchema.nullable(),
    defaultIncomingEmailDeliveryMethod: incomingMethodSchema,
    defaultOutgoingEmailDeliveryMethod: outgoingMethodSchema,
    defaultActDeliveryMethod: actMethodSchema,
    requireApprovalForUserEmail: z.boolean(),
    requireApprovalForQueueEmail: z.boolean(),
    generateAlertsForErrors: z.boolean(),
    generateAlertsForWarnings: z.boolean(),
    generateAlertsForInformation: z.boolean(),
    notifyMailboxOwnerOfEmailServerLevelAlerts: z.boolean(),
    requirePrivilegeToSelfApproveEmailAddress: z.boolean(),
    maxMailboxTransientFailures: z.number().int().min(0),
    mailboxBackoffOnTransientErrorMinutes: z.number().int().min(0),
    testAndEnableAfterApproval: z.boolean(),
  })
  .strict();

export const organizationSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    tenantId: entraIdSchema,
    deployment: deploymentSchema,
    version: productVersionSchema,
    exchangeOnline: z.object({ subscribed: z.boolean(), tenantId: entraIdSchema.nullable() }).strict(),
    settings: emailSettingsSchema,
  })
  .strict();

export const businessUnitSchema = z
  .object({ id: idSchema, name: nameSchema, parentBusinessUnitId: idSchema.nullable() })
  .strict();

export const securityRoleSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    template: roleTemplateSchema.nullable(),
    businessUnitId: idSchema,
    privileges: privilegesSchema,
  })
  .strict();

export const userSchema = z
  .object({
    id: idSchema,
    aadObjectId: entraIdSchema,
    fullName: nameSchema,
    primaryEmail: emailAddressSchema,
    userPrincipalName: emailAddressSchema,
    businessUnitId: idSchema,
    office365Roles: z.array(office365RoleSchema),
    securityRoleIds: z.array(idSchema),
    isServiceAdministrator: z.boolean(),
    active: z.boolean(),
  })
  .strict();

export const queueSchema = z
  .object({ id: idSchema, name: nameSchema, emailAddress: emailAddressSchema, ownerId: idSchema, businessUnitId: idSchema })
  .strict();

export const emailServerProfileSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    serverType: serverTypeSchema,
    ownerId: idSchema,
    active: z.boolean(),
    description: z.string(),
  })
  .strict();

export const mailboxRegardingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('systemuser'), id: idSchema }).strict(),
  z.object({ type: z.literal('queue'), id: idSchema }).strict(),
]);

export const mailboxSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    emailAddress: emailAddressSchema,
    regarding: mailboxRegardingSchema,
    ownerId: idSchema,
    emailServerProfileId: idSchema.nullable(),
    incomingEmailDeliveryMethod: incomingMethodSchema,
    outgoingEmailDeliveryMethod: outgoingMethodSchema,
    actDeliveryMethod: actMethodSchema,
    emailRouterAccessApproval: approvalStatusSchema,
    isEmailAddressApprovedByO365Admin: z.boolean(),
    incomingEmailStatus: testStatusSchema,
    outgoingEmailStatus: testStatusSchema,
    actStatus: testStatusSchema,
    mailboxStatus: testStatusSchema,
    enabledForIncomingEmail: z.boolean(),
    enabledForOutgoingEmail: z.boolean(),
    enabledForAct: z.boolean(),
    orgMarkedAsPrimaryForExchangeSync: z.boolean(),
    testEmailConfigurationScheduled: z.boolean(),
    testEmailConfigurationRetryCount: z.number().int().min(0),
    postponeTestEmailConfigurationUntil: timestampSchema.nullable(),
    testMailboxAccessCompletedOn: timestampSchema.nullable(),
    active: z.boolean(),
    version: z.number().int().min(1),
  })
  .strict();

export const alertSchema = z
  .object({
    id: idSchema,
    level: alertLevelSchema,
    code: z.string().min(1),
    text: z.string(),
    regarding: z.discriminatedUnion('type', [
      z.object({ type: z.literal('mailbox'), id: idSchema }).strict(),
      z.object({ type: z.literal('emailserverprofile'), id: idSchema }).strict(),
    ]),
    createdOn: timestampSchema,
  })
  .strict();

export const auditEntrySchema = z
  .object({
    id: idSchema,
    at: timestampSchema,
    actorId: idSchema,
    actorName: z.string(),
    action: z.string().min(1),
    target: z
      .object({
        type: z.enum(['mailbox', 'emailserverprofile', 'organization', 'systemuser', 'queue', 'role']),
        id: idSchema,
        name: z.string(),
      })
      .strict(),
    rule: z.string().nullable(),
    details: z.string(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// THE SECTIONS OF THE DATA FILE. Subsystems add their section here (background jobs, outbox,
// conversation references, approval requests…). Give a new section a `.default(...)` so that files
// written before it existed still load without a schema-version bump.

export const dataFileSections = {
  organization: organizationSchema,
  businessUnits: z.array(businessUnitSchema),
  securityRoles: z.array(securityRoleSchema),
  users: z.array(userSchema),
  queues: z.array(queueSchema),
  profiles: z.array(emailServerProfileSchema),
  mailboxes: z.array(mailboxSchema),
  /** The Alerts walls (`tracelog`), in the order they were posted. */
  alerts: z.array(alertSchema),
  /** Who did what, in the order it happened. */
  audit: z.array(auditEntrySchema),
  /** What the simulated Exchange connector answers (see src/app/exchange-simulation.ts). */
  exchangeSimulation: exchangeSimulationSchema,
  /** Conversation references and the proactive outbox (see src/notify/repository.ts). */
  notify: notifyStateSchema.default({ references: [], outbox: [] }),
  /** Test & Enable jobs: mailboxes in order and each one's result (see src/app/jobs/job-records.ts). Optional in the type, `[]` when parsed. */
  jobs: z.array(jobRecordSchema).default([]).optional(),
  /**
   * Idempotency keys of the newest record batches written (at least the newest APPLIED_BATCH_KEYS_KEPT, oldest first), so a
   * batch applied twice is written once (see `IntentBatch.idempotencyKey`). Optional in the type, `[]` when parsed.
   */
  appliedBatches: z.array(z.string().min(1)).default([]).optional(),
  /** Team channels and group chats that receive a profile's alerts (see src/app/jobs/job-records.ts). */
  alertSubscriptions: z.array(alertSubscriptionRecordSchema).default([]).optional(),
  /**
   * Approval requests and the cards sent for them (see src/app/approvals/approval-requests.ts). Optional in the
   * type so that documents built before the section existed need no change; parsing fills in `[]`.
   */
  approvalRequests: z.array(approvalRequestRecordSchema).default([]).optional(),
  /** Domain events written with the change that caused them, until every consumer handled them (see src/app/event-outbox.ts). */
  eventOutbox: eventOutboxSectionSchema.default(EMPTY_EVENT_OUTBOX).optional(),
};

// ---------------------------------------------------------------------------------------------

/** The keys the store indexes by must be unique; duplicates would make lookups silently pick one. */
export interface UniquenessProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function duplicatesIn<T>(
  section: string,
  items: readonly T[],
  field: string,
  keyOf: (item: T) => string,
  problems: UniquenessProblem[],
): void {
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else problems.push({ path: [section, index, field], message: `duplicate ${field} "${key}" (already used by ${formatJsonPath([section, first])})` });
  });
}

/** Every duplicated id, mailbox address and Entra object id in a data-file document. */
export function uniquenessProblems(document: Omit<DataFileDocument, 'schemaVersion' | 'organization' | 'exchangeSimulation'>): UniquenessProblem[] {
  const problems: UniquenessProblem[] = [];
  const byId = (item: { readonly id: string }): string => item.id;
  duplicatesIn('businessUnits', document.businessUnits, 'id', byId, problems);
  duplicatesIn('securityRoles', document.securityRoles, 'id', byId, problems);
  duplicatesIn('users', document.users, 'id', byId, problems);
  duplicatesIn('users', document.users, 'aadObjectId', (user) => user.aadObjectId.toLowerCase(), problems);
  duplicatesIn('queues', document.queues, 'id', byId, problems);
  duplicatesIn('profiles', document.profiles, 'id', byId, problems);
  duplicatesIn('mailboxes', document.mailboxes, 'id', byId, problems);
  duplicatesIn('mailboxes', document.mailboxes, 'emailAddress', (mailbox) => mailbox.emailAddress.toLowerCase(), problems);
  duplicatesIn('alerts', document.alerts, 'id', byId, problems);
  duplicatesIn('audit', document.audit, 'id', byId, problems);
  return problems;
}

export const dataFileSchema = z
  .object({
    schemaVersion: z.literal(DATA_FILE_SCHEMA_VERSION, {
      error: (issue) =>
        issue.input === undefined
          ? `missing; this build reads data files with schemaVersion ${DATA_FILE_SCHEMA_VERSION}`
          : `unknown data-file schemaVersion ${JSON.stringify(issue.input)}; this build reads only schemaVersion ${DATA_FILE_SCHEMA_VERSION}`,
    }),
    ...dataFileSections,
  })
  .strict()
  .superRefine((document, context) => {
    for (const problem of uniquenessProblems(document)) {
      context.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    }
  });

/**
 * The data-file document. The email-configuration sections are typed as the (read-only) domain records
 * so that records from use cases go in without copies; sections added later come straight from zod.
 */
export type DataFileDocument = Omit<z.infer<typeof dataFileSchema>, keyof DomainSections> & DomainSections;
interface DomainSections {
  readonly organization: Organization;
  readonly businessUnits: readonly BusinessUnit[];
  readonly securityRoles: readonly SecurityRole[];
  readonly users: readonly User[];
  readonly queues: readonly Queue[];
  readonly profiles: readonly EmailServerProfile[];
  readonly mailboxes: readonly Mailbox[];
  readonly alerts: readonly Alert[];
  readonly audit: readonly AuditEntry[];
}

// ---------------------------------------------------------------------------------------------
// Compile-time proof that each schema produces its domain type, field for field: `z.infer` must be
// assignable to the domain type, and must not carry fields the domain type lacks.

type Assignable<From, To> = [From] extends [To] ? true : false;
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
type Produces<Schema extends z.ZodType, Domain> = Assignable<z.infer<Schema>, Domain> extends true
  ? SameKeys<z.infer<Schema>, Domain>
  : false;
type Holds<_Check extends true> = true;

export type _SchemasProduceDomainTypes = [
  Holds<Produces<typeof emailSettingsSchema, EmailSettings>>,
  Holds<Produces<typeof organizationSchema, Organization>>,
  Holds<Produces<typeof businessUnitSchema, BusinessUnit>>,
  Holds<Produces<typeof securityRoleSchema, SecurityRole>>,
  Holds<Produces<typeof userSchema, User>>,
  Holds<Produces<typeof queueSchema, Queue>>,
  Holds<Produces<typeof emailServerProfileSchema, EmailServerProfile>>,
  Holds<Produces<typeof mailboxSchema, Mailbox>>,
  Holds<Produces<typeof alertSchema, Alert>>,
  Holds<Produces<typeof auditEntrySchema, AuditEntry>>,
];
