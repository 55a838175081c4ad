// Alerts walls, subscriptions to a profile's alerts, the audit log and security roles.
import { alertsFor, grantPrivilege, listSecurityRoles, recentAudit, revokePrivilege } from '../../app/index.js';
import { renderAlertsWallCard, renderAuditListCard, renderSecurityRolesCard } from '../../cards/index.js';
import {
  ALERTS_READ_PER_WALL,
  alertsWallView,
  auditListView,
  mailboxRefText,
  renderNoticeCard,
  roleChangeNotice,
  securityRolesView,
  subscriptionNotice,
} from '../views/index.js';
import type { CommandHandlers } from './types.js';

export const monitoringHandlers: Pick<
  CommandHandlers,
  'alerts' | 'audit' | 'subscribeAlerts' | 'unsubscribeAlerts' | 'roles' | 'grantApprovePrivilege' | 'revokeApprovePrivilege'
> = {
  alerts: async (args, env) => {
    const { target } = args;
    const typed = target.kind === 'mailbox' ? mailboxRefText(target.mailbox) : target.kind === 'profile' ? target.profile : target.name;
    const result = await alertsFor(env.useCases, env.requester, { target: typed, limit: ALERTS_READ_PER_WALL });
    if (!result.ok) return env.fail(result.error, `Show the alerts of ${typed}`);
    await env.sendCard(renderAlertsWallCard(alertsWallView(result.value)));
  },

  audit: async (args, env) => {
    const result = await recentAudit(env.useCases, env.requester, { count: args.count });
    if (!result.ok) return env.fail(result.error, 'Read the audit log');
    await env.sendCard(renderAuditListCard(auditListView(result.value)));
  },

  subscribeAlerts: async (args, env) => {
    const result = await env.deps.subscriptions.subscribe({ requester: env.requester, profileName: args.profile, conversationId: env.request.conversation.id });
    if (!result.ok) return env.fail(result.error, `Post the alerts of the profile “${args.profile}” in this conversation`);
    await env.sendCard(renderNoticeCard(subscriptionNotice(result.value, true)));
  },

  unsubscribeAlerts: async (args, env) => {
    const result = await env.deps.subscriptions.unsubscribe({ requester: env.requester, profileName: args.profile, conversationId: env.request.conversation.id });
    if (!result.ok) return env.fail(result.error, `Stop posting the alerts of the profile “${args.profile}” in this conversation`);
    await env.sendCard(renderNoticeCard(subscriptionNotice(result.value, false)));
  },

  roles: async (_args, env) => {
    const result = await listSecurityRoles(env.useCases, env.requester);
    if (!result.ok) return env.fail(result.error, 'List the security roles');
    await env.sendCard(renderSecurityRolesCard(securityRolesView(result.value)));
  },

  grantApprovePrivilege: async (args, env) => {
    const result = await grantPrivilege(env.useCases, env.requester, { role: args.role, privilege: 'prvApproveRejectEmailAddress', depth: args.depth });
    if (!result.ok) return env.fail(result.error, `Grant Approve Email Addresses for Users or Queues to the role “${args.role}”`);
    await env.sendCard(renderNoticeCard(roleChangeNotice(result.value, { depth: args.depth })));
  },

  revokeApprovePrivilege: async (args, env) => {
    const result = await revokePrivilege(env.useCases, env.requester, { role: args.role, privilege: 'prvApproveRejectEmailAddress' });
    if (!result.ok) return env.fail(result.error, `Revoke Approve Email Addresses for Users or Queues from the role “${args.role}”`);
    await env.sendCard(renderNoticeCard(roleChangeNotice(result.value, null)));
  },
};
