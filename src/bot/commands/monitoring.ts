// Alerts walls, subscriptions to a profile's alerts, the audit log and security roles.
import { z } from 'zod';
import { alertsFor, grantPrivilege, listSecurityRoles, recentAudit, revokePrivilege, syncHealthFor } from '../../app/index.js';
import { renderAlertsWallCard, renderAuditListCard, renderSecurityRolesCard, renderSyncHealthCard } from '../../cards/index.js';
import {
  ALERTS_READ_PER_WALL,
  alertsWallView,
  auditListView,
  mailboxRefText,
  renderNoticeCard,
  roleChangeNotice,
  securityRolesView,
  subscriptionNotice,
  syncHealthView,
} from '../views/index.js';
import { depthWord, nameArgument } from '../views/command-line.js';
import { mapRead, noArguments, readText } from './arguments.js';
import { defineCommand, everywhere, EXCHANGE_ONLINE_PROFILE_NAME } from './define.js';
import { alertsTargetSchema, email, noArgumentsSchema, profileRequired, readAlerts, readGrant, readProfile } from './grammar.js';
import { privilegeDepthSchema, roleNameSchema, wholeNumberSchema } from './values.js';

export const monitoringCommands = {
  health: defineCommand({
    id: 'health',
    name: 'health',
    aliases: ['sync health', 'dashboard', 'show health'],
    category: 'Alerts and audit',
    summary: 'The server-side synchronization health overview: mailboxes by status and by cause, the ones failing longest, pending approvals and a 7-day trend.',
    usage: 'health',
    examples: [{ input: 'health', args: {} }],
    scopes: everywhere,
    manifest: { menu: [], title: 'health', description: 'Server-side sync health: status counts, causes, failing longest, pending approvals, 7-day trend' },
    args: noArgumentsSchema,
    readArgs: noArguments('health'),
    writes: 'none',
    whoCanRun: 'Anyone with Read Mailbox; the overview counts the mailboxes that depth reaches.',
    toText() {
      return 'health';
    },
    async handle(_args, env) {
      const requests = (await env.deps.approvalRequests?.all()) ?? [];
      // When each pending address was asked for: its oldest request still open.
      const approvalRequestedOn = new Map<string, string>();
      for (const request of requests) {
        const known = approvalRequestedOn.get(request.mailboxId);
        if (request.status === 'pending' && (known === undefined || request.requestedAt < known)) approvalRequestedOn.set(request.mailboxId, request.requestedAt);
      }
      const result = await syncHealthFor(env.useCases, env.requester, { approvalRequestedOn });
      if (!result.ok) return env.fail(result.error, 'Show the sync health');
      await env.sendCard(renderSyncHealthCard(syncHealthView(result.value)));
    },
  }),
  alerts: defineCommand({
    id: 'alerts',
    name: 'alerts',
    aliases: ['show alerts'],
    category: 'Alerts and audit',
    summary: 'Show the Alerts wall of a mailbox or of an email server profile.',
    usage: 'alerts <mailbox|profile>',
    examples: [
      { input: 'alerts alice@contoso.com', args: { target: { kind: 'mailbox', mailbox: email('alice@contoso.com') } } },
      { input: 'alerts profile "Microsoft Exchange Online"', args: { target: { kind: 'profile', profile: EXCHANGE_ONLINE_PROFILE_NAME } } },
      { input: 'alerts "Sales Inbox"', args: { target: { kind: 'mailboxOrProfile', name: 'Sales Inbox' } } },
    ],
    notes: ['Say mailbox or profile before a name to remove doubt; a bare name is looked up as a mailbox first, then as a profile.'],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'alerts', description: 'Show the alerts of a mailbox or of an email server profile' },
    args: z.object({ target: alertsTargetSchema }),
    readArgs: readAlerts,
    writes: 'none',
    whoCanRun: 'Mailbox alerts: Read Mailbox reaching the mailbox. Profile alerts: anyone who may see the email configuration.',
    toText(args, rename) {
      switch (args.target.kind) {
        case 'mailbox':
          return `alerts mailbox ${nameArgument(rename(mailboxRefText(args.target.mailbox)))}`;
        case 'profile':
          return `alerts profile ${nameArgument(rename(args.target.profile))}`;
        case 'mailboxOrProfile':
          return `alerts ${nameArgument(rename(args.target.name))}`;
      }
    },
    async handle(args, env) {
      const { target } = args;
      const typed = target.kind === 'mailbox' ? mailboxRefText(target.mailbox) : target.kind === 'profile' ? target.profile : target.name;
      const result = await alertsFor(env.useCases, env.requester, { target: typed, limit: ALERTS_READ_PER_WALL });
      if (!result.ok) return env.fail(result.error, `Show the alerts of ${typed}`);
      await env.sendCard(renderAlertsWallCard(alertsWallView(result.value)));
    },
  }),
  audit: defineCommand({
    id: 'audit',
    name: 'audit',
    aliases: ['audit log', 'show audit log'],
    category: 'Alerts and audit',
    summary: 'Show the latest audit entries: who changed what, and which permission rule allowed it.',
    usage: 'audit [count]',
    examples: [
      { input: 'audit', args: { count: 10 } },
      { input: 'audit 25', args: { count: 25 } },
    ],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'audit', description: 'Show the latest audit entries: who did what, and which rule allowed it' },
    args: z.object({ count: wholeNumberSchema('number of entries', 1, 100).default(10) }),
    readArgs: (tokens) => mapRead(readText(tokens, 'number of entries'), (count) => ({ count })),
    writes: 'none',
    whoCanRun: 'System Administrator.',
    toText(args) {
      return `audit ${args.count}`;
    },
    async handle(args, env) {
      const result = await recentAudit(env.useCases, env.requester, { count: args.count });
      if (!result.ok) return env.fail(result.error, 'Read the audit log');
      await env.sendCard(renderAuditListCard(auditListView(result.value)));
    },
  }),
  subscribeAlerts: defineCommand({
    id: 'subscribeAlerts',
    name: 'subscribe alerts for profile',
    aliases: ['subscribe to alerts for profile'],
    category: 'Alerts and audit',
    summary: 'Post the alerts of an email server profile to this channel or group chat as they happen.',
    usage: 'subscribe alerts for profile <profile>',
    examples: [{ input: 'subscribe alerts for profile "Microsoft Exchange Online"', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    scopes: ['team', 'groupChat'],
    manifest: { menu: ['team', 'groupChat'], title: 'subscribe alerts for profile', description: "Post a profile's alerts to this channel or group chat" },
    args: profileRequired,
    readArgs: readProfile,
    writes: 'single',
    whoCanRun: 'System Administrator or System Customizer, in a team channel or group chat.',
    toText(args, rename) {
      return `subscribe alerts for profile ${nameArgument(rename(args.profile))}`;
    },
    async handle(args, env) {
      const result = await env.deps.subscriptions.subscribe({ requester: env.requester, profileName: args.profile, conversationId: env.request.conversation.id });
      if (!result.ok) return env.fail(result.error, `Post the alerts of the profile “${args.profile}” in this conversation`);
      await env.sendCard(renderNoticeCard(subscriptionNotice(result.value, true)));
    },
  }),
  unsubscribeAlerts: defineCommand({
    id: 'unsubscribeAlerts',
    name: 'unsubscribe alerts for profile',
    aliases: ['unsubscribe from alerts for profile'],
    category: 'Alerts and audit',
    summary: "Stop posting an email server profile's alerts to this channel or group chat.",
    usage: 'unsubscribe alerts for profile <profile>',
    examples: [{ input: 'unsubscribe alerts for profile "Microsoft Exchange Online"', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    scopes: ['team', 'groupChat'],
    manifest: { menu: ['team', 'groupChat'], title: 'unsubscribe alerts for profile', description: "Stop posting a profile's alerts to this channel or group chat" },
    args: profileRequired,
    readArgs: readProfile,
    writes: 'single',
    whoCanRun: 'System Administrator or System Customizer, in a team channel or group chat.',
    toText(args, rename) {
      return `unsubscribe alerts for profile ${nameArgument(rename(args.profile))}`;
    },
    async handle(args, env) {
      const result = await env.deps.subscriptions.unsubscribe({ requester: env.requester, profileName: args.profile, conversationId: env.request.conversation.id });
      if (!result.ok) return env.fail(result.error, `Stop posting the alerts of the profile “${args.profile}” in this conversation`);
      await env.sendCard(renderNoticeCard(subscriptionNotice(result.value, false)));
    },
  }),
  roles: defineCommand({
    id: 'roles',
    name: 'roles',
    aliases: ['security roles', 'list roles', 'show roles'],
    category: 'Security',
    summary: 'List the security roles with the email-related privileges they hold and at what depth.',
    usage: 'roles',
    examples: [{ input: 'roles', args: {} }],
    scopes: everywhere,
    manifest: { menu: [], title: 'roles', description: 'List security roles with their email privileges and depths' },
    args: noArgumentsSchema,
    readArgs: noArguments('roles'),
    writes: 'none',
    whoCanRun: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
    toText() {
      return 'roles';
    },
    async handle(_args, env) {
      const result = await listSecurityRoles(env.useCases, env.requester);
      if (!result.ok) return env.fail(result.error, 'List the security roles');
      await env.sendCard(renderSecurityRolesCard(securityRolesView(result.value)));
    },
  }),
  grantApprovePrivilege: defineCommand({
    id: 'grantApprovePrivilege',
    name: 'grant approve privilege to role',
    aliases: ['grant approve privilege to', 'grant approval privilege to role', 'grant approval privilege to'],
    category: 'Security',
    summary: 'Give a security role the "Approve Email Addresses for Users or Queues" privilege at a depth.',
    usage: 'grant approve privilege to role <role> at <depth>',
    examples: [
      { input: 'grant approve privilege to role "Mailbox Approvers" at organization', args: { role: 'Mailbox Approvers', depth: 'Organization' } },
      { input: 'grant approve privilege to role Sales Manager at parent: child business unit', args: { role: 'Sales Manager', depth: 'ParentChildBusinessUnit' } },
    ],
    notes: ['Depths: user, business unit, parent child (or "parent: child business unit"), organization.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'grant approve privilege to role', description: 'Give a role the Approve Email Addresses for Users or Queues privilege at a depth' },
    args: z.object({ role: roleNameSchema, depth: privilegeDepthSchema }),
    readArgs: readGrant,
    writes: 'single',
    whoCanRun: 'System Administrator.',
    toText(args, rename) {
      return `grant approve privilege to role ${nameArgument(rename(args.role))} at ${depthWord(args.depth)}`;
    },
    async handle(args, env) {
      const result = await grantPrivilege(env.useCases, env.requester, { role: args.role, privilege: 'prvApproveRejectEmailAddress', depth: args.depth });
      if (!result.ok) return env.fail(result.error, `Grant Approve Email Addresses for Users or Queues to the role “${args.role}”`);
      await env.sendCard(renderNoticeCard(roleChangeNotice(result.value, { depth: args.depth })));
    },
  }),
  revokeApprovePrivilege: defineCommand({
    id: 'revokeApprovePrivilege',
    name: 'revoke approve privilege from role',
    aliases: ['revoke approve privilege from', 'revoke approval privilege from role', 'revoke approval privilege from'],
    category: 'Security',
    summary: 'Take the "Approve Email Addresses for Users or Queues" privilege away from a security role.',
    usage: 'revoke approve privilege from role <role>',
    examples: [{ input: 'revoke approve privilege from role "Mailbox Approvers"', args: { role: 'Mailbox Approvers' } }],
    scopes: everywhere,
    manifest: { menu: [], title: 'revoke approve privilege from', description: 'Take the Approve Email Addresses for Users or Queues privilege from a role' },
    args: z.object({ role: roleNameSchema }),
    readArgs: (tokens) => mapRead(readText(tokens, 'role name'), (role) => ({ role: role ?? '' })),
    writes: 'single',
    whoCanRun: 'System Administrator.',
    toText(args, rename) {
      return `revoke approve privilege from role ${nameArgument(rename(args.role))}`;
    },
    async handle(args, env) {
      const result = await revokePrivilege(env.useCases, env.requester, { role: args.role, privilege: 'prvApproveRejectEmailAddress' });
      if (!result.ok) return env.fail(result.error, `Revoke Approve Email Addresses for Users or Queues from the role “${args.role}”`);
      await env.sendCard(renderNoticeCard(roleChangeNotice(result.value, null)));
    },
  }),
};
