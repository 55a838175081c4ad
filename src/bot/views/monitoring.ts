// Alerts walls, the audit log, security roles, alert subscriptions and Test & Enable jobs as card views.
import type { AlertWall, RoleChange, SecurityRoleView as SecurityRoleResult } from '../../app/index.js';
import type { AlertsWallView, AuditListView, CommandButtonView, JobFailureView, JobProgressView, SecurityRoleView, SecurityRolesView } from '../../cards/index.js';
import { MAX_COMMAND_LENGTH } from '../../shared/limits.js';
import { alertCondition, type AlertConditionCode } from '../../domain/alert-catalog.js';
import type { AuditEntry } from '../../domain/model.js';
import { privilegeDisplayName, type PrivilegeDepth } from '../../domain/options.js';
import { privilegeDepthLabel } from '../../domain/privileges.js';
import { nameArgument } from './command-line.js';
import type { NoticeView } from './notice-card.js';

/** `alerts` reads at most this many; the card shows the newest and says how many more were read. */
export const ALERTS_READ_PER_WALL = 100;

export function alertsWallView(wall: AlertWall): AlertsWallView {
  return {
    regarding: { type: wall.regarding.type, name: wall.regarding.name },
    alerts: wall.alerts.map((alert) => ({ level: alert.level, createdOn: alert.createdOn, text: alert.text })),
    total: wall.alerts.length,
    // A mailbox's alerts lead to its diagnosis: the likely cause and the bot's fix, where it has one.
    ...(wall.regarding.type === 'mailbox' && wall.alerts.length > 0 ? { actions: [{ title: 'Diagnose and fix', command: `diagnose ${wall.regarding.id}` }] } : {}),
  };
}

export function auditListView(entries: readonly AuditEntry[]): AuditListView {
  return {
    entries: entries.map((entry) => ({
      at: entry.at,
      actorName: entry.actorName,
      action: entry.action,
      target: { type: entry.target.type, name: entry.target.name },
      rule: entry.rule,
      details: entry.details,
    })),
    total: entries.length,
  };
}

const roleView = (role: SecurityRoleResult): SecurityRoleView => ({
  name: role.role.name,
  businessUnit: role.businessUnitName,
  holdsAllPrivileges: role.role.template === 'SystemAdministrator',
  privileges: role.privileges.map(({ privilege, depth }) => ({ privilege, depth })),
});

export function securityRolesView(roles: readonly SecurityRoleResult[]): SecurityRolesView {
  return { roles: roles.map(roleView) };
}

const APPROVE_PRIVILEGE = `“${privilegeDisplayName.prvApproveRejectEmailAddress}”`;

/** After grant/revoke: what the role now holds, and that the permission model still decides who approves. */
export function roleChangeNotice(change: RoleChange, granted: { readonly depth: PrivilegeDepth } | null): NoticeView {
  const name = change.role.role.name;
  const title =
    granted === null
      ? change.changed
        ? `Revoked ${APPROVE_PRIVILEGE} from ${name}`
        : `${name} did not hold ${APPROVE_PRIVILEGE}`
      : change.changed
        ? `Granted ${APPROVE_PRIVILEGE} to ${name} at ${privilegeDepthLabel[granted.depth]} depth`
        : `${name} already holds ${APPROVE_PRIVILEGE} at ${privilegeDepthLabel[granted.depth]} depth`;
  const privileges = change.role.privileges;
  return {
    title,
    tone: 'good',
    lines: [
      ...(change.changed ? [] : ['Nothing was changed.']),
      'Approving still needs the administrator roles of the permission model; type whoami to see what a user may do.',
    ],
    facts:
      privileges.length === 0
        ? [{ title: 'Email privileges', value: 'None' }]
        : privileges.map((grant) => ({ title: grant.displayName, value: privilegeDepthLabel[grant.depth] })),
    actions: [{ title: 'Show roles', command: 'roles' }],
  };
}

export function subscriptionNotice(result: { readonly profileName: string; readonly changed: boolean }, subscribed: boolean): NoticeView {
  const profile = `“${result.profileName}”`;
  const title = subscribed
    ? result.changed
      ? `Alerts of the profile ${profile} will be posted here`
      : `This conversation already receives the alerts of ${profile}`
    : result.changed
      ? `Alerts of the profile ${profile} will no longer be posted here`
      : `This conversation was not receiving the alerts of ${profile}`;
  return {
    title,
    tone: 'good',
    lines: result.changed ? [] : ['Nothing was changed.'],
    actions: [
      { title: 'Show alerts', command: `alerts profile ${nameArgument(result.profileName)}` },
      subscribed
        ? { title: 'Unsubscribe', command: `unsubscribe alerts for profile ${nameArgument(result.profileName)}` }
        : { title: 'Subscribe', command: `subscribe alerts for profile ${nameArgument(result.profileName)}` },
    ],
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The alert text of a condition, as a pattern: the catalog's template with each placeholder free. */
const textPatternOf = (code: AlertConditionCode): RegExp =>
  new RegExp(alertCondition(code).template.split(/\{[A-Za-z]+\}/).map(escapeRegExp).join('.+?'));
const notApprovedText = textPatternOf('EmailAddressNotApproved');

/** Whether a job result's reason is the catalog's "email address not approved" (job results keep the text, not the code). */
export const reasonIsNotApproved = (reason: string): boolean => notApprovedText.test(reason);

/** "Approve the N not approved": one bulk approval, previewed and confirmed; after it the mailboxes are tested again. */
export function approveNotApprovedButton(failures: readonly JobFailureView[]): CommandButtonView | undefined {
  const addresses = [...new Set(failures.filter((failure) => failure.notApproved === true && failure.emailAddress.includes('@')).map((failure) => failure.emailAddress))];
  if (addresses.length === 0) return undefined;
  const command = `approve mailbox ${addresses.join(', ')}`;
  if (command.length > MAX_COMMAND_LENGTH) return { title: 'Pending approvals', command: 'mailboxes pending' };
  return { title: addresses.length === 1 ? 'Approve it' : `Approve the ${addresses.length} not approved`, command };
}

/**
 * "Test the failed ones again" for a finished job: one `test mailbox` over the mailboxes that failed (not those
 * that retry by themselves), a bulk write that is previewed and confirmed; the failed list when too many to name.
 */
export function retestFailedButton(failures: readonly JobFailureView[]): CommandButtonView | undefined {
  // Not approved ones fail again until they are approved; retries run by themselves.
  const addresses = [...new Set(failures.filter((failure) => failure.willRetry !== true && failure.notApproved !== true && failure.emailAddress.includes('@')).map((failure) => failure.emailAddress))];
  if (addresses.length === 0) return undefined;
  const command = `test mailbox ${addresses.join(', ')}`;
  if (command.length > MAX_COMMAND_LENGTH) return { title: 'Failed mailboxes', command: 'mailboxes failed' };
  return { title: addresses.length === 1 ? 'Test it again' : `Test the ${addresses.length} failed again`, command };
}

/** A running job gets a refresh button unless the jobs service already gave it buttons of its own. */
export function jobCardView(job: JobProgressView): JobProgressView {
  if (job.status === 'done' || job.actions !== undefined) return job;
  const refresh: CommandButtonView = { title: 'Refresh', command: `job ${job.jobId}` };
  return { ...job, actions: [refresh] };
}

export function noJobNotice(jobId: string | undefined): NoticeView {
  return jobId === undefined
    ? {
        title: 'You have not started a Test & Enable job yet',
        tone: 'neutral',
        lines: ['Start one with test mailbox or test mailboxes for profile.'],
        actions: [{ title: 'Help: test mailbox', command: 'help test mailbox' }],
      }
    : { title: `There is no job ${jobId}`, tone: 'attention', lines: ['Check the job id on the job’s card; job alone shows your latest job.'], actions: [{ title: 'My latest job', command: 'job' }] };
}
