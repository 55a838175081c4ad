// The fake Dataverse's tables: entity sets with their Dataverse logical column names and option
// values (domain.md §1–§3, §7.4), seeded from an organization file. Record ids in the organization
// file are readable names ("user-ada"); Dataverse keys are GUIDs, so each id maps to a stable GUID.
import { createHash } from 'node:crypto';
import type { OrganizationData } from '../../../src/store/org-file.js';
import {
  actMethodLabel,
  approvalStatusLabel,
  alertLevelLabel,
  incomingMethodLabel,
  outgoingMethodLabel,
  serverTypeCode,
  testStatusLabel,
} from '../../../src/domain/options.js';
import { APPLICATION_USER_PRIVILEGES } from '../../../src/dataverse/privileges.js';
import { Privileges } from '../../../src/domain/options.js';
import type { Row } from './odata-query.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The GUID the fake uses for an organization-file id (the id itself when it is a GUID). */
export function guidOf(id: string): string {
  if (GUID.test(id)) return id.toLowerCase();
  const hex = createHash('sha1').update(`fake-dataverse:${id}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface LookupColumn {
  /** `_emailserverprofile_value` */
  readonly column: string;
  /** Navigation property for `@odata.bind`, when it can be written. */
  readonly navigation?: string;
  readonly targets: readonly string[];
}

export interface TableDefinition {
  readonly entitySet: string;
  readonly logicalName: string;
  readonly key: string;
  readonly primaryName: string;
  readonly columns: readonly string[];
  readonly writable: readonly string[];
  readonly optionSets: Readonly<Record<string, Readonly<Record<number, string>>>>;
  readonly booleans: readonly string[];
  readonly lookups: readonly LookupColumn[];
  /** Read and write privilege names of the table. */
  readonly readPrivilege: string;
  readonly writePrivilege: string | null;
}

const stateLabels = { 0: 'Active', 1: 'Inactive' };
const statusLabels = { 1: 'Active', 2: 'Inactive' };
const common = ['createdon', 'modifiedon', 'versionnumber'];

export const TABLES: Readonly<Record<string, TableDefinition>> = {
  systemusers: {
    entitySet: 'systemusers',
    logicalName: 'systemuser',
    key: 'systemuserid',
    primaryName: 'fullname',
    columns: ['systemuserid', 'fullname', 'internalemailaddress', 'domainname', 'azureactivedirectoryobjectid', 'applicationid', 'isdisabled', 'accessmode', '_businessunitid_value', '_defaultmailbox_value', 'emailrouteraccessapproval', 'isemailaddressapprovedbyo365admin', ...common],
    writable: ['emailrouteraccessapproval', 'internalemailaddress'],
    optionSets: { emailrouteraccessapproval: approvalStatusLabel, accessmode: { 0: 'Read-Write', 4: 'Non-interactive' } },
    booleans: ['isdisabled', 'isemailaddressapprovedbyo365admin'],
    lookups: [
      { column: '_businessunitid_value', targets: ['businessunit'] },
      { column: '_defaultmailbox_value', targets: ['mailbox'] },
    ],
    readPrivilege: 'prvReadUser',
    writePrivilege: 'prvWriteUser',
  },
  queues: {
    entitySet: 'queues',
    logicalName: 'queue',
    key: 'queueid',
    primaryName: 'name',
    columns: ['queueid', 'name', 'emailaddress', '_ownerid_value', '_businessunitid_value', '_defaultmailbox_value', 'emailrouteraccessapproval', 'isemailaddressapprovedbyo365admin', ...common],
    writable: ['emailrouteraccessapproval', 'emailaddress'],
    optionSets: { emailrouteraccessapproval: approvalStatusLabel },
    booleans: ['isemailaddressapprovedbyo365admin'],
    lookups: [
      { column: '_ownerid_value', targets: ['systemuser'] },
      { column: '_businessunitid_value', targets: ['businessunit'] },
      { column: '_defaultmailbox_value', targets: ['mailbox'] },
    ],
    readPrivilege: 'prvReadQueue',
    writePrivilege: 'prvWriteQueue',
  },
  mailboxes: {
    entitySet: 'mailboxes',
    logicalName: 'mailbox',
    key: 'mailboxid',
    primaryName: 'name',
    columns: [
      'mailboxid', 'name', 'emailaddress', '_regardingobjectid_value', '_ownerid_value', '_emailserverprofile_value',
      'incomingemaildeliverymethod', 'outgoingemaildeliverymethod', 'actdeliverymethod', 'emailrouteraccessapproval', 'isemailaddressapprovedbyo365admin',
      'incomingemailstatus', 'outgoingemailstatus', 'actstatus', 'mailboxstatus', 'enabledforincomingemail', 'enabledforoutgoingemail', 'enabledforact',
      'orgmarkedasprimaryforexchangesync', 'testemailconfigurationscheduled', 'testemailconfigurationretrycount', 'postponetestemailconfigurationuntil',
      'testmailboxaccesscompletedon', 'isforwardmailbox', 'statecode', 'statuscode', ...common,
    ],
    writable: ['emailaddress', 'incomingemaildeliverymethod', 'outgoingemaildeliverymethod', 'actdeliverymethod', 'orgmarkedasprimaryforexchangesync', 'testemailconfigurationscheduled', 'statecode', 'statuscode'],
    optionSets: {
      incomingemaildeliverymethod: incomingMethodLabel,
      outgoingemaildeliverymethod: outgoingMethodLabel,
      actdeliverymethod: actMethodLabel,
      emailrouteraccessapproval: approvalStatusLabel,
      incomingemailstatus: testStatusLabel,
      outgoingemailstatus: testStatusLabel,
      actstatus: testStatusLabel,
      mailboxstatus: testStatusLabel,
      statecode: stateLabels,
      statuscode: statusLabels,
    },
    booleans: ['isemailaddressapprovedbyo365admin', 'enabledforincomingemail', 'enabledforoutgoingemail', 'enabledforact', 'orgmarkedasprimaryforexchangesync', 'testemailconfigurationscheduled', 'isforwardmailbox'],
    lookups: [
      { column: '_regardingobjectid_value', targets: ['systemuser', 'queue'] },
      { column: '_ownerid_value', targets: ['systemuser'] },
      { column: '_emailserverprofile_value', navigation: 'emailserverprofile', targets: ['emailserverprofile'] },
    ],
    readPrivilege: 'prvReadMailbox',
    writePrivilege: 'prvWriteMailbox',
  },
  emailserverprofiles: {
    entitySet: 'emailserverprofiles',
    logicalName: 'emailserverprofile',
    key: 'emailserverprofileid',
    primaryName: 'name',
    columns: ['emailserverprofileid', 'name', 'servertype', 'description', '_ownerid_value', 'statecode', 'statuscode', ...common],
    writable: [],
    optionSets: { servertype: { 0: 'Exchange Server', 1: 'Other (POP3/SMTP)', 2: 'Exchange Server (Hybrid)', 3: 'Exchange Online (Hybrid)', 4: 'IMAP/SMTP' }, statecode: stateLabels, statuscode: statusLabels },
    booleans: [],
    lookups: [{ column: '_ownerid_value', targets: ['systemuser'] }],
    readPrivilege: 'prvReadEmailServerProfile',
    writePrivilege: null,
  },
  organizations: {
    entitySet: 'organizations',
    logicalName: 'organization',
    key: 'organizationid',
    primaryName: 'name',
    columns: [
      'organizationid', 'name', '_defaultemailserverprofileid_value', 'defaultemailsettings', 'requireapprovalforuseremail', 'requireapprovalforqueueemail',
      'generatealertsforerrors', 'generatealertsforwarnings', 'generatealertsforinformation', 'notifymailboxownerofemailserverlevelalerts', ...common,
    ],
    writable: ['defaultemailsettings', 'requireapprovalforuseremail', 'requireapprovalforqueueemail', 'generatealertsforerrors', 'generatealertsforwarnings', 'generatealertsforinformation', 'notifymailboxownerofemailserverlevelalerts'],
    optionSets: {},
    booleans: ['requireapprovalforuseremail', 'requireapprovalforqueueemail', 'generatealertsforerrors', 'generatealertsforwarnings', 'generatealertsforinformation', 'notifymailboxownerofemailserverlevelalerts'],
    lookups: [{ column: '_defaultemailserverprofileid_value', navigation: 'defaultemailserverprofileid', targets: ['emailserverprofile'] }],
    readPrivilege: 'prvReadOrganization',
    writePrivilege: 'prvWriteOrganization',
  },
  businessunits: {
    entitySet: 'businessunits',
    logicalName: 'businessunit',
    key: 'businessunitid',
    primaryName: 'name',
    columns: ['businessunitid', 'name', '_parentbusinessunitid_value', ...common],
    writable: [],
    optionSets: {},
    booleans: [],
    lookups: [{ column: '_parentbusinessunitid_value', targets: ['businessunit'] }],
    readPrivilege: 'prvReadBusinessUnit',
    writePrivilege: null,
  },
  roles: {
    entitySet: 'roles',
    logicalName: 'role',
    key: 'roleid',
    primaryName: 'name',
    columns: ['roleid', 'name', '_businessunitid_value', '_roletemplateid_value', ...common],
    writable: [],
    optionSets: {},
    booleans: [],
    lookups: [{ column: '_businessunitid_value', targets: ['businessunit'] }],
    readPrivilege: 'prvReadRole',
    writePrivilege: null,
  },
  privileges: {
    entitySet: 'privileges',
    logicalName: 'privilege',
    key: 'privilegeid',
    primaryName: 'name',
    columns: ['privilegeid', 'name', ...common],
    writable: [],
    optionSets: {},
    booleans: [],
    lookups: [],
    readPrivilege: 'prvReadRole',
    writePrivilege: null,
  },
  roleprivilegescollection: {
    entitySet: 'roleprivilegescollection',
    logicalName: 'roleprivileges',
    key: 'roleprivilegeid',
    primaryName: 'roleprivilegeid',
    columns: ['roleprivilegeid', 'roleid', 'privilegeid', 'privilegedepthmask', ...common],
    writable: [],
    optionSets: {},
    booleans: [],
    lookups: [],
    readPrivilege: 'prvReadRole',
    writePrivilege: null,
  },
  systemuserrolescollection: {
    entitySet: 'systemuserrolescollection',
    logicalName: 'systemuserroles',
    key: 'systemuserroleid',
    primaryName: 'systemuserroleid',
    columns: ['systemuserroleid', 'systemuserid', 'roleid', ...common],
    writable: [],
    optionSets: {},
    booleans: [],
    lookups: [],
    readPrivilege: 'prvReadUser',
    writePrivilege: null,
  },
  tracelogs: {
    entitySet: 'tracelogs',
    logicalName: 'tracelog',
    key: 'tracelogid',
    primaryName: 'text',
    columns: ['tracelogid', 'level', 'tracecode', 'text', 'tracestatus', '_regardingobjectid_value', 'createdon', 'modifiedon', 'versionnumber'],
    writable: [],
    optionSets: { level: alertLevelLabel },
    booleans: ['tracestatus'],
    lookups: [{ column: '_regardingobjectid_value', targets: ['mailbox', 'emailserverprofile'] }],
    readPrivilege: 'prvReadTraceLog',
    writePrivilege: null,
  },
};

export const tableByLogicalName = (logicalName: string): TableDefinition | undefined => Object.values(TABLES).find((table) => table.logicalName === logicalName);

/** Rows by entity set, then by key. Column values are plain JSON (numbers for option sets). */
export type Tables = Map<string, Map<string, Row>>;

const emailSettingsXml = (incoming: number, outgoing: number, act: number): string =>
  `<EmailSettings><IncomingEmailDeliveryMethod>${incoming}</IncomingEmailDeliveryMethod><OutgoingEmailDeliveryMethod>${outgoing}</OutgoingEmailDeliveryMethod><ACTDeliveryMethod>${act}</ACTDeliveryMethod></EmailSettings>`;

export interface ApplicationUserSeed {
  readonly clientId: string;
  readonly servicePrincipalObjectId: string;
  readonly name: string;
}

/** Builds the tables from an organization file; `stamp` gives each row its first version and timestamps. */
export function seedTables(data: OrganizationData, applicationUsers: readonly ApplicationUserSeed[], stamp: () => { versionnumber: number; at: string }): Tables {
  const tables: Tables = new Map(Object.keys(TABLES).map((set) => [set, new Map<string, Row>()]));
  const put = (set: string, row: Row): void => {
    const table = TABLES[set];
    if (table === undefined) throw new Error(`no table ${set}`);
    const { versionnumber, at } = stamp();
    tables.get(set)?.set(String(row[table.key]), { createdon: at, modifiedon: at, versionnumber, ...row });
  };
  const { organization, mailboxes } = data;
  const mailboxOf = (type: 'systemuser' | 'queue', id: string) => mailboxes.find((mailbox) => mailbox.regarding.type === type && mailbox.regarding.id === id);
  const rootUnit = data.businessUnits.find((unit) => unit.parentBusinessUnitId === null) ?? data.businessUnits[0];

  put('organizations', {
    organizationid: guidOf(organization.id),
    name: organization.name,
    _defaultemailserverprofileid_value: organization.settings.defaultEmailServerProfileId === null ? null : guidOf(organization.settings.defaultEmailServerProfileId),
    defaultemailsettings: emailSettingsXml(organization.settings.defaultIncomingEmailDeliveryMethod, organization.settings.defaultOutgoingEmailDeliveryMethod, organization.settings.defaultActDeliveryMethod),
    requireapprovalforuseremail: organization.settings.requireApprovalForUserEmail,
    requireapprovalforqueueemail: organization.settings.requireApprovalForQueueEmail,
    generatealertsforerrors: organization.settings.generateAlertsForErrors,
    generatealertsforwarnings: organization.settings.generateAlertsForWarnings,
    generatealertsforinformation: organization.settings.generateAlertsForInformation,
    notifymailboxownerofemailserverlevelalerts: organization.settings.notifyMailboxOwnerOfEmailServerLevelAlerts,
  });
  for (const unit of data.businessUnits) {
    put('businessunits', { businessunitid: guidOf(unit.id), name: unit.name, _parentbusinessunitid_value: unit.parentBusinessUnitId === null ? null : guidOf(unit.parentBusinessUnitId) });
  }
  for (const user of data.users) {
    const mailbox = mailboxOf('systemuser', user.id);
    put('systemusers', {
      systemuserid: guidOf(user.id),
      fullname: user.fullName,
      internalemailaddress: user.primaryEmail,
      domainname: user.userPrincipalName,
      azureactivedirectoryobjectid: user.aadObjectId.toLowerCase(),
      applicationid: null,
      isdisabled: !user.active,
      accessmode: 0,
      _businessunitid_value: guidOf(user.businessUnitId),
      _defaultmailbox_value: mailbox === undefined ? null : guidOf(mailbox.id),
      emailrouteraccessapproval: mailbox?.emailRouterAccessApproval ?? 0,
      isemailaddressapprovedbyo365admin: mailbox?.isEmailAddressApprovedByO365Admin ?? false,
    });
  }
  for (const app of applicationUsers) {
    put('systemusers', {
      systemuserid: guidOf(`application-user:${app.clientId}`),
      fullname: app.name,
      internalemailaddress: null,
      domainname: `${app.clientId}@fake.onmicrosoft.com`,
      azureactivedirectoryobjectid: app.servicePrincipalObjectId.toLowerCase(),
      applicationid: app.clientId.toLowerCase(),
      isdisabled: false,
      accessmode: 4,
      _businessunitid_value: rootUnit === undefined ? null : guidOf(rootUnit.id),
      _defaultmailbox_value: null,
      emailrouteraccessapproval: 0,
      isemailaddressapprovedbyo365admin: false,
    });
  }
  for (const queue of data.queues) {
    const mailbox = mailboxOf('queue', queue.id);
    put('queues', {
      queueid: guidOf(queue.id),
      name: queue.name,
      emailaddress: queue.emailAddress,
      _ownerid_value: guidOf(queue.ownerId),
      _businessunitid_value: guidOf(queue.businessUnitId),
      _defaultmailbox_value: mailbox === undefined ? null : guidOf(mailbox.id),
      emailrouteraccessapproval: mailbox?.emailRouterAccessApproval ?? 0,
      isemailaddressapprovedbyo365admin: mailbox?.isEmailAddressApprovedByO365Admin ?? false,
    });
  }
  for (const profile of data.profiles) {
    put('emailserverprofiles', {
      emailserverprofileid: guidOf(profile.id),
      name: profile.name,
      servertype: serverTypeCode[profile.serverType],
      description: profile.description,
      _ownerid_value: guidOf(profile.ownerId),
      statecode: profile.active ? 0 : 1,
      statuscode: profile.active ? 1 : 2,
    });
  }
  const templateIds = { SystemAdministrator: '627090ff-40a3-4053-8790-584edc5be201', SystemCustomizer: '119f245c-3cc8-4b62-b31c-d1a046ced15d', DelegatedMailboxApprover: null } as const;
  const depthMask = { User: 1, BusinessUnit: 2, ParentChildBusinessUnit: 4, Organization: 8 } as const;
  const privilegeNames = [...new Set([...Privileges, ...APPLICATION_USER_PRIVILEGES.map((privilege) => privilege.name)])];
  for (const name of privilegeNames) put('privileges', { privilegeid: guidOf(`privilege:${name}`), name });
  for (const role of data.securityRoles) {
    put('roles', { roleid: guidOf(role.id), name: role.name, _businessunitid_value: guidOf(role.businessUnitId), _roletemplateid_value: role.template === null ? null : templateIds[role.template] });
    const grants: [string, number][] = role.template === 'SystemAdministrator' ? privilegeNames.map((name) => [name, 8]) : Object.entries(role.privileges).map(([name, depth]) => [name, depthMask[depth]]);
    for (const [name, mask] of grants) put('roleprivilegescollection', { roleprivilegeid: guidOf(`roleprivilege:${role.id}:${name}`), roleid: guidOf(role.id), privilegeid: guidOf(`privilege:${name}`), privilegedepthmask: mask });
  }
  for (const user of data.users) {
    for (const roleId of user.securityRoleIds) put('systemuserrolescollection', { systemuserroleid: guidOf(`userrole:${user.id}:${roleId}`), systemuserid: guidOf(user.id), roleid: guidOf(roleId) });
  }
  for (const mailbox of mailboxes) {
    put('mailboxes', {
      mailboxid: guidOf(mailbox.id),
      name: mailbox.name,
      emailaddress: mailbox.emailAddress,
      _regardingobjectid_value: guidOf(mailbox.regarding.id),
      __regardingtype: mailbox.regarding.type,
      _ownerid_value: guidOf(mailbox.ownerId),
      _emailserverprofile_value: mailbox.emailServerProfileId === null ? null : guidOf(mailbox.emailServerProfileId),
      incomingemaildeliverymethod: mailbox.incomingEmailDeliveryMethod,
      outgoingemaildeliverymethod: mailbox.outgoingEmailDeliveryMethod,
      actdeliverymethod: mailbox.actDeliveryMethod,
      emailrouteraccessapproval: mailbox.emailRouterAccessApproval,
      isemailaddressapprovedbyo365admin: mailbox.isEmailAddressApprovedByO365Admin,
      incomingemailstatus: mailbox.incomingEmailStatus,
      outgoingemailstatus: mailbox.outgoingEmailStatus,
      actstatus: mailbox.actStatus,
      mailboxstatus: mailbox.mailboxStatus,
      enabledforincomingemail: mailbox.enabledForIncomingEmail,
      enabledforoutgoingemail: mailbox.enabledForOutgoingEmail,
      enabledforact: mailbox.enabledForAct,
      orgmarkedasprimaryforexchangesync: mailbox.orgMarkedAsPrimaryForExchangeSync,
      testemailconfigurationscheduled: mailbox.testEmailConfigurationScheduled,
      testemailconfigurationretrycount: mailbox.testEmailConfigurationRetryCount,
      postponetestemailconfigurationuntil: mailbox.postponeTestEmailConfigurationUntil,
      testmailboxaccesscompletedon: mailbox.testMailboxAccessCompletedOn,
      isforwardmailbox: false,
      statecode: mailbox.active ? 0 : 1,
      statuscode: mailbox.active ? 1 : 2,
    });
  }
  return tables;
}
