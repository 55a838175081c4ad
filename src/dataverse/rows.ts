// Dataverse rows <-> the domain's records (src/domain/model.ts). Every row is parsed with zod (a row is a
// boundary: an environment may lack a column or hold a value the bot does not know), never cast. Column
// names and option values are the Dataverse logical ones (domain.md §1–§4).
import { z } from 'zod';
import type { Alert, BusinessUnit, EmailServerProfile, EmailSettings, Mailbox, Queue, SecurityRole, User } from '../domain/model.js';
import type { Privilege, PrivilegeDepth, RoleTemplate, ServerType } from '../domain/options.js';
import { Privileges } from '../domain/options.js';
import type { Row } from './client.js';

const id = z.string().min(1).transform((value) => value.toLowerCase());
const nullableId = id.nullable().optional().transform((value) => value ?? null);
const text = z.string().nullable().optional().transform((value) => value ?? '');
const flag = z.boolean().nullable().optional().transform((value) => value ?? false);
const timestamp = z.string().nullable().optional().transform((value) => value ?? null);
const option = <const T extends readonly number[]>(values: T) =>
  z.number().int().refine((value): value is T[number] => values.includes(value), { message: `must be one of ${values.join(', ')}` });
const LOOKUP_TYPE = '@Microsoft.Dynamics.CRM.lookuplogicalname';

export const MAILBOX_COLUMNS = [
  'mailboxid', 'name', 'emailaddress', '_regardingobjectid_value', '_ownerid_value', '_emailserverprofile_value',
  'incomingemaildeliverymethod', 'outgoingemaildeliverymethod', 'actdeliverymethod', 'emailrouteraccessapproval', 'isemailaddressapprovedbyo365admin',
  'incomingemailstatus', 'outgoingemailstatus', 'actstatus', 'mailboxstatus', 'enabledforincomingemail', 'enabledforoutgoingemail', 'enabledforact',
  'orgmarkedasprimaryforexchangesync', 'testemailconfigurationscheduled', 'testemailconfigurationretrycount', 'postponetestemailconfigurationuntil',
  'testmailboxaccesscompletedon', 'statecode', 'versionnumber', 'modifiedon',
] as const;

const testStatus = option([0, 1, 2] as const);
const mailboxRowSchema = z.object({
  mailboxid: id,
  name: text,
  emailaddress: text,
  _regardingobjectid_value: id,
  [`_regardingobjectid_value${LOOKUP_TYPE}`]: z.enum(['systemuser', 'queue']),
  _ownerid_value: id,
  _emailserverprofile_value: nullableId,
  incomingemaildeliverymethod: option([0, 1, 2, 3] as const),
  outgoingemaildeliverymethod: option([0, 1, 2] as const),
  actdeliverymethod: option([0, 1, 2] as const),
  emailrouteraccessapproval: option([0, 1, 2, 3] as const),
  isemailaddressapprovedbyo365admin: flag,
  incomingemailstatus: testStatus,
  outgoingemailstatus: testStatus,
  actstatus: testStatus,
  mailboxstatus: testStatus,
  enabledforincomingemail: flag,
  enabledforoutgoingemail: flag,
  enabledforact: flag,
  orgmarkedasprimaryforexchangesync: flag,
  testemailconfigurationscheduled: flag,
  testemailconfigurationretrycount: z.number().int().nullable().optional().transform((value) => value ?? 0),
  postponetestemailconfigurationuntil: timestamp,
  testmailboxaccesscompletedon: timestamp,
  statecode: z.number().int(),
  versionnumber: z.coerce.number().int(),
});

/** A row that is not the shape the bot reads: names the table, the row and the first problem. */
export class RowShapeError extends Error {
  override readonly name = 'RowShapeError';
  constructor(table: string, rowId: unknown, error: z.ZodError) {
    const first = error.issues[0];
    super(`Dynamics 365 sent a ${table} row the bot cannot read (${typeof rowId === 'string' ? rowId : 'without an id'}: ${first === undefined ? 'invalid' : `${first.path.join('.') || 'row'} ${first.message}`}).`);
  }
}

function parseRow<T>(schema: z.ZodType<T>, table: string, key: string, row: Row): T {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new RowShapeError(table, row[key], parsed.error);
  return parsed.data;
}

export function mailboxFromRow(row: Row): Mailbox {
  const value = parseRow(mailboxRowSchema, 'mailbox', 'mailboxid', row);
  return {
    id: value.mailboxid,
    name: value.name,
    emailAddress: value.emailaddress,
    regarding: { type: value[`_regardingobjectid_value${LOOKUP_TYPE}`], id: value._regardingobjectid_value },
    ownerId: value._ownerid_value,
    emailServerProfileId: value._emailserverprofile_value,
    incomingEmailDeliveryMethod: value.incomingemaildeliverymethod,
    outgoingEmailDeliveryMethod: value.outgoingemaildeliverymethod,
    actDeliveryMethod: value.actdeliverymethod,
    emailRouterAccessApproval: value.emailrouteraccessapproval,
    isEmailAddressApprovedByO365Admin: value.isemailaddressapprovedbyo365admin,
    incomingEmailStatus: value.incomingemailstatus,
    outgoingEmailStatus: value.outgoingemailstatus,
    actStatus: value.actstatus,
    mailboxStatus: value.mailboxstatus,
    enabledForIncomingEmail: value.enabledforincomingemail,
    enabledForOutgoingEmail: value.enabledforoutgoingemail,
    enabledForAct: value.enabledforact,
    orgMarkedAsPrimaryForExchangeSync: value.orgmarkedasprimaryforexchangesync,
    testEmailConfigurationScheduled: value.testemailconfigurationscheduled,
    testEmailConfigurationRetryCount: value.testemailconfigurationretrycount,
    postponeTestEmailConfigurationUntil: value.postponetestemailconfigurationuntil,
    testMailboxAccessCompletedOn: value.testmailboxaccesscompletedon,
    active: value.statecode === 0,
    // Dataverse's row version (the number in its weak ETag) is the mailbox's optimistic-concurrency version.
    version: value.versionnumber,
  };
}

/** The weak ETag of a row version, as Dataverse sends it. */
export const etagOfVersion = (version: number | string): string => `W/"${String(version)}"`;
/** The version inside a row's `@odata.etag` (or its `versionnumber`). */
export function versionOfRow(row: Row): string {
  const etag = row['@odata.etag'];
  if (typeof etag === 'string') {
    const match = /^W\/"([^"]+)"$/.exec(etag);
    if (match?.[1] !== undefined) return match[1];
  }
  const version = row.versionnumber;
  return typeof version === 'number' || typeof version === 'string' ? String(version) : '';
}

export const USER_COLUMNS = ['systemuserid', 'fullname', 'internalemailaddress', 'domainname', 'azureactivedirectoryobjectid', '_businessunitid_value', 'isdisabled', 'accessmode', 'versionnumber', 'modifiedon'] as const;
const userRowSchema = z.object({
  systemuserid: id,
  fullname: text,
  internalemailaddress: text,
  domainname: text,
  azureactivedirectoryobjectid: z.string().nullable().optional().transform((value) => value?.toLowerCase() ?? ''),
  _businessunitid_value: id,
  isdisabled: flag,
});

/** A user without roles: roles come from the role assignments and Entra roles from Microsoft Graph. */
export function userFromRow(row: Row, securityRoleIds: readonly string[]): User {
  const value = parseRow(userRowSchema, 'systemuser', 'systemuserid', row);
  return {
    id: value.systemuserid,
    aadObjectId: value.azureactivedirectoryobjectid,
    fullName: value.fullname,
    primaryEmail: value.internalemailaddress,
    userPrincipalName: value.domainname,
    businessUnitId: value._businessunitid_value,
    // Entra roles are asked per turn (RoleDirectory over Graph), never kept in the record.
    office365Roles: [],
    securityRoleIds: [...securityRoleIds],
    isServiceAdministrator: false,
    active: !value.isdisabled,
  };
}

export const QUEUE_COLUMNS = ['queueid', 'name', 'emailaddress', '_ownerid_value', '_businessunitid_value', 'versionnumber', 'modifiedon'] as const;
const queueRowSchema = z.object({ queueid: id, name: text, emailaddress: text, _ownerid_value: id, _businessunitid_value: id });
export function queueFromRow(row: Row): Queue {
  const value = parseRow(queueRowSchema, 'queue', 'queueid', row);
  return { id: value.queueid, name: value.name, emailAddress: value.emailaddress, ownerId: value._ownerid_value, businessUnitId: value._businessunitid_value };
}

export const PROFILE_COLUMNS = ['emailserverprofileid', 'name', 'servertype', 'description', '_ownerid_value', 'statecode', 'versionnumber', 'modifiedon'] as const;
const profileRowSchema = z.object({ emailserverprofileid: id, name: text, servertype: option([0, 1, 2, 3, 4] as const), description: text, _ownerid_value: id, statecode: z.number().int() });
/**
 * `servertype` 0 is both Exchange Server and Exchange Online (the platform tells them apart by the profile's
 * credentials and locations, which the bot does not read); the organization's Exchange deployment decides.
 */
export function profileFromRow(row: Row, exchangeDeployment: 'online' | 'onPremises'): EmailServerProfile {
  const value = parseRow(profileRowSchema, 'emailserverprofile', 'emailserverprofileid', row);
  const byCode: Readonly<Record<number, ServerType>> = { 0: exchangeDeployment === 'online' ? 'ExchangeOnline' : 'ExchangeServer', 1: 'Pop3Smtp', 2: 'ExchangeServerHybrid', 3: 'ExchangeOnlineHybrid', 4: 'ImapSmtp' };
  return { id: value.emailserverprofileid, name: value.name, serverType: byCode[value.servertype] ?? 'ExchangeServer', ownerId: value._ownerid_value, active: value.statecode === 0, description: value.description };
}

export const BUSINESS_UNIT_COLUMNS = ['businessunitid', 'name', '_parentbusinessunitid_value', 'versionnumber', 'modifiedon'] as const;
const businessUnitRowSchema = z.object({ businessunitid: id, name: text, _parentbusinessunitid_value: nullableId });
export function businessUnitFromRow(row: Row): BusinessUnit {
  const value = parseRow(businessUnitRowSchema, 'businessunit', 'businessunitid', row);
  return { id: value.businessunitid, name: value.name, parentBusinessUnitId: value._parentbusinessunitid_value };
}

/** Template ids of the built-in roles the permission model names (the same in every environment). */
export const ROLE_TEMPLATE_IDS: Readonly<Record<string, RoleTemplate>> = {
  '627090ff-40a3-4053-8790-584edc5be201': 'SystemAdministrator',
  '119f245c-3cc8-4b62-b31c-d1a046ced15d': 'SystemCustomizer',
};
export const ROLE_COLUMNS = ['roleid', 'name', '_businessunitid_value', '_roletemplateid_value', 'versionnumber', 'modifiedon'] as const;
const roleRowSchema = z.object({ roleid: id, name: text, _businessunitid_value: id, _roletemplateid_value: nullableId });
export function securityRoleFromRow(row: Row, privileges: SecurityRole['privileges']): SecurityRole {
  const value = parseRow(roleRowSchema, 'role', 'roleid', row);
  const template = (value._roletemplateid_value === null ? undefined : ROLE_TEMPLATE_IDS[value._roletemplateid_value]) ?? (value.name === 'Delegated Mailbox Approver' ? 'DelegatedMailboxApprover' : null);
  return { id: value.roleid, name: value.name, template, businessUnitId: value._businessunitid_value, privileges };
}

/** `roleprivileges.privilegedepthmask`: 1 Basic, 2 Local, 4 Deep, 8 Global (the widest bit wins). */
export function depthOfMask(mask: number): PrivilegeDepth | null {
  if ((mask & 8) !== 0) return 'Organization';
  if ((mask & 4) !== 0) return 'ParentChildBusinessUnit';
  if ((mask & 2) !== 0) return 'BusinessUnit';
  if ((mask & 1) !== 0) return 'User';
  return null;
}
export const isDomainPrivilege = (name: string): name is Privilege => (Privileges as readonly string[]).includes(name);
export const privilegeRowSchema = z.object({ privilegeid: id, name: z.string() });
export const rolePrivilegeRowSchema = z.object({ roleid: id, privilegeid: id, privilegedepthmask: z.number().int() });
export const userRoleRowSchema = z.object({ systemuserid: id, roleid: id });

export const TRACE_COLUMNS = ['tracelogid', 'level', 'tracecode', 'text', '_regardingobjectid_value', 'createdon'] as const;
const traceRowSchema = z.object({
  tracelogid: id,
  level: option([1, 2, 3] as const),
  tracecode: z.union([z.number(), z.string()]).nullable().optional().transform((value) => (value === null || value === undefined ? '' : String(value))),
  text: text,
  _regardingobjectid_value: id,
  [`_regardingobjectid_value${LOOKUP_TYPE}`]: z.enum(['mailbox', 'emailserverprofile']),
  createdon: z.string(),
});
/** An Alerts-wall entry as the platform wrote it; its code is the platform's trace code, verbatim. */
export function alertFromRow(row: Row): Alert {
  const value = parseRow(traceRowSchema, 'tracelog', 'tracelogid', row);
  return { id: value.tracelogid, level: value.level, code: value.tracecode, text: value.text, regarding: { type: value[`_regardingobjectid_value${LOOKUP_TYPE}`], id: value._regardingobjectid_value }, createdOn: value.createdon };
}

// ------------------------------------------------------------------------------------------------
// The organization row: System Settings › Email.

export const ORGANIZATION_COLUMNS = [
  'organizationid', 'name', '_defaultemailserverprofileid_value', 'defaultemailsettings', 'requireapprovalforuseremail', 'requireapprovalforqueueemail',
  'generatealertsforerrors', 'generatealertsforwarnings', 'generatealertsforinformation', 'notifymailboxownerofemailserverlevelalerts', 'versionnumber', 'modifiedon',
] as const;
const organizationRowSchema = z.object({
  organizationid: id,
  name: text,
  _defaultemailserverprofileid_value: nullableId,
  defaultemailsettings: z.string().nullable().optional(),
  requireapprovalforuseremail: flag,
  requireapprovalforqueueemail: flag,
  generatealertsforerrors: flag,
  generatealertsforwarnings: flag,
  generatealertsforinformation: flag,
  notifymailboxownerofemailserverlevelalerts: flag,
});

const xmlNumber = (xml: string, element: string): number | undefined => {
  const match = new RegExp(`<${element}>\\s*(\\d+)\\s*</${element}>`).exec(xml);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};
const defaultMethodsSchema = z.object({
  incoming: option([0, 1, 2, 3] as const).default(2),
  outgoing: option([0, 1, 2] as const).default(2),
  act: option([0, 1, 2] as const).default(1),
});

/** `defaultemailsettings`: `<EmailSettings><IncomingEmailDeliveryMethod>n</…>…</EmailSettings>` (domain.md §3). */
export function parseDefaultEmailSettings(xml: string | null | undefined): z.infer<typeof defaultMethodsSchema> {
  const source = xml ?? '';
  const parsed = defaultMethodsSchema.safeParse({
    incoming: xmlNumber(source, 'IncomingEmailDeliveryMethod'),
    outgoing: xmlNumber(source, 'OutgoingEmailDeliveryMethod'),
    act: xmlNumber(source, 'ACTDeliveryMethod'),
  });
  if (!parsed.success) throw new Error(`The organization's default email settings hold a delivery method the bot does not know: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}
export const defaultEmailSettingsXml = (settings: Pick<EmailSettings, 'defaultIncomingEmailDeliveryMethod' | 'defaultOutgoingEmailDeliveryMethod' | 'defaultActDeliveryMethod'>): string =>
  `<EmailSettings><IncomingEmailDeliveryMethod>${settings.defaultIncomingEmailDeliveryMethod}</IncomingEmailDeliveryMethod><OutgoingEmailDeliveryMethod>${settings.defaultOutgoingEmailDeliveryMethod}</OutgoingEmailDeliveryMethod><ACTDeliveryMethod>${settings.defaultActDeliveryMethod}</ACTDeliveryMethod></EmailSettings>`;

/** Settings that are not organization columns (OrgDBOrgSettings, the bot's own choices): given by configuration. */
export type SettingsOutsideTheRow = Pick<EmailSettings, 'requirePrivilegeToSelfApproveEmailAddress' | 'maxMailboxTransientFailures' | 'mailboxBackoffOnTransientErrorMinutes' | 'testAndEnableAfterApproval'>;

export function organizationSettingsFromRow(row: Row, outside: SettingsOutsideTheRow): { readonly id: string; readonly name: string; readonly settings: EmailSettings } {
  const value = parseRow(organizationRowSchema, 'organization', 'organizationid', row);
  const defaults = parseDefaultEmailSettings(value.defaultemailsettings);
  return {
    id: value.organizationid,
    name: value.name,
    settings: {
      defaultEmailServerProfileId: value._defaultemailserverprofileid_value,
      defaultIncomingEmailDeliveryMethod: defaults.incoming,
      defaultOutgoingEmailDeliveryMethod: defaults.outgoing,
      defaultActDeliveryMethod: defaults.act,
      requireApprovalForUserEmail: value.requireapprovalforuseremail,
      requireApprovalForQueueEmail: value.requireapprovalforqueueemail,
      generateAlertsForErrors: value.generatealertsforerrors,
      generateAlertsForWarnings: value.generatealertsforwarnings,
      generateAlertsForInformation: value.generatealertsforinformation,
      notifyMailboxOwnerOfEmailServerLevelAlerts: value.notifymailboxownerofemailserverlevelalerts,
      ...outside,
    },
  };
}

/** The organization columns that hold `settings` (what a settings change PATCHes). */
export function organizationChanges(settings: EmailSettings): Record<string, unknown> {
  return {
    ...(settings.defaultEmailServerProfileId === null ? { 'defaultemailserverprofileid@odata.bind': null } : { 'defaultemailserverprofileid@odata.bind': `/emailserverprofiles(${settings.defaultEmailServerProfileId})` }),
    defaultemailsettings: defaultEmailSettingsXml(settings),
    requireapprovalforuseremail: settings.requireApprovalForUserEmail,
    requireapprovalforqueueemail: settings.requireApprovalForQueueEmail,
    generatealertsforerrors: settings.generateAlertsForErrors,
    generatealertsforwarnings: settings.generateAlertsForWarnings,
    generatealertsforinformation: settings.generateAlertsForInformation,
    notifymailboxownerofemailserverlevelalerts: settings.notifyMailboxOwnerOfEmailServerLevelAlerts,
  };
}
