// Mailbox lists and details, and the commands that configure mailboxes or decide their approval.
import { z } from 'zod';
import { ActDeliveryMethod, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod } from '../../domain/options.js';
import {
  applyDefaultEmailSettings,
  approveEmail,
  changeEmailAddress,
  diagnoseMailboxFor,
  editMailboxes,
  listMailboxes,
  mailboxDetail,
  rejectEmail,
  requestApproval,
  selectMailboxes,
  setApprovalRequirement,
  setSyncFromThisOrgOnly,
  showApprovalRequirement,
  type MailboxFilter,
} from '../../app/index.js';
import { renderDiagnosisCard, renderMailboxDetailCard, renderMailboxListCard, renderOperationResultCard } from '../../cards/index.js';
import {
  approvalRequirementChangeNotice,
  approvalRequirementNotice,
  diagnosisView,
  emailChangeNotice,
  mailboxDetailView,
  mailboxListView,
  mailboxRefText,
  operationResultView,
  renderNoticeCard,
  requestApprovalNotice,
  syncFromThisOrgOnlyNotice,
} from '../views/index.js';
import { ok } from '../../domain/result.js';
import { describeSelection, mailboxSelector, selectionWrite } from '../handlers/environment.js';
import { actWord, incomingWord, mailboxSelectionText, nameArgument, onOff, outgoingWord, type Rename } from '../views/command-line.js';
import { defineCommand, everywhere, EXCHANGE_ONLINE_PROFILE_NAME } from './define.js';
import {
  EDIT_PAIRS_HINT,
  email,
  METHOD_NOTE,
  named,
  readApplyDefaults,
  readApprovalRequired,
  readChangeEmail,
  readEditMailboxes,
  readMailboxDetail,
  readMailboxes,
  readMailboxesListing,
  readOneMailbox,
  readRejection,
  readSyncFromThisOrgOnly,
  SELECTOR_NOTE,
} from './grammar.js';
import {
  actMethodSchema,
  addressOrNameSchema,
  approvalTargetSchema,
  emailSchema,
  incomingMethodSchema,
  mailboxFilterSchema,
  mailboxSelectionSchema,
  outgoingMethodSchema,
  profileNameSchema,
  switchSchema,
  wholeNumberSchema,
} from './values.js';
import { tellTestAndEnableFollows } from '../handlers/jobs.js';
import { cardForState } from '../handlers/state-cards.js';

/**
 * Rows per page of the lists whose rows carry buttons: Approve and Reject on a pending address, Test again or the fix
 * on a failure, each with the Action.Submit fallback Teams mobile needs. Such a row is about 1.3 KB of card, so a
 * page of 20 came to 26 KB, near Teams' 28 KB card budget, past which a page of long names loses its row buttons;
 * sending it cost more than everything else the bot does for the command (docs/performance.md, "Chat"). Ten keep
 * every page well inside the budget and short enough to decide on a phone. Other lists show the default 20.
 */
export const ROWS_WITH_BUTTONS_PER_PAGE = 10;
const pageSizeFor = (filter: MailboxFilter): number | undefined => (filter === 'pending' || filter === 'failed' ? ROWS_WITH_BUTTONS_PER_PAGE : undefined);

/** The `mailboxes` line for these arguments; also the Previous/Next buttons' commands. */
function mailboxesLine(args: { readonly filter: string; readonly profile?: string | undefined; readonly page: number }, rename: Rename = (typed) => typed): string {
  return [
    'mailboxes',
    args.filter,
    ...(args.profile === undefined ? [] : [`profile ${nameArgument(rename(args.profile))}`]),
    ...(args.page === 1 ? [] : [`page ${args.page}`]),
  ].join(' ');
}

export const mailboxCommands = {
  mailboxes: defineCommand({
    id: 'mailboxes',
    name: 'mailboxes',
    aliases: ['list mailboxes', 'show mailboxes', 'active mailboxes'],
    category: 'Mailboxes',
    summary: 'List active mailboxes, optionally only those pending approval, approved, rejected, failing a test or disabled, or of one profile.',
    usage: 'mailboxes [pending|approved|rejected|failed|disabled|all] [profile <profile>] [page <n>]',
    examples: [
      { input: 'mailboxes', args: { filter: 'all', profile: undefined, page: 1 } },
      { input: 'mailboxes pending profile "Microsoft Exchange Online" page 2', args: { filter: 'pending', profile: EXCHANGE_ONLINE_PROFILE_NAME, page: 2 } },
    ],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'mailboxes', description: 'List mailboxes: pending, approved, rejected, failed, disabled or all; by profile; by page' },
    args: z.object({
      filter: mailboxFilterSchema.default('all'),
      profile: profileNameSchema.optional(),
      page: wholeNumberSchema('page number', 1, 10_000).default(1),
    }),
    readArgs: readMailboxesListing,
    writes: 'none',
    whoCanRun: 'Anyone with Read Mailbox; the list holds the mailboxes that depth reaches.',
    toText: mailboxesLine,
    async handle(args, env) {
      // Keyed by every argument (the Previous/Next buttons repeat them) and the list position a button carried,
      // so a position that no longer fits the list is refused rather than answered from an earlier card.
      const { cursor } = env.request;
      const card = await cardForState(env.useCases.records, env.requester, `mailboxes\u0000${JSON.stringify(args)}\u0000${cursor ?? ''}`, async () => {
        const pageSize = pageSizeFor(args.filter);
        const result = await listMailboxes(env.useCases, env.requester, {
          filter: args.filter,
          profile: args.profile,
          page: args.page,
          ...(pageSize === undefined ? {} : { pageSize }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        if (!result.ok) return result;
        const pageCommand = (page: number): string => mailboxesLine({ ...args, page });
        return ok(renderMailboxListCard(mailboxListView(result.value, pageCommand)));
      });
      if (!card.ok) return env.fail(card.error, 'List mailboxes');
      await env.sendCard(card.value);
    },
  }),
  mailbox: defineCommand({
    id: 'mailbox',
    name: 'mailbox',
    aliases: ['show mailbox'],
    category: 'Mailboxes',
    summary: 'Show one mailbox: profile, delivery methods, approval, test results and whether it is enabled.',
    usage: 'mailbox <mailbox>',
    examples: [
      { input: 'mailbox alice@contoso.com', args: { mailbox: email('alice@contoso.com') } },
      { input: 'mailbox "Sales Inbox"', args: { mailbox: named('Sales Inbox') } },
    ],
    notes: ['A single filter word such as mailbox pending is answered with a did-you-mean for mailboxes pending.'],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'mailbox', description: 'Show one mailbox: profile, methods, approval, test results' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox') }),
    readArgs: readMailboxDetail,
    writes: 'none',
    whoCanRun: 'Anyone with Read Mailbox reaching the mailbox.',
    toText(args, rename) {
      return `mailbox ${nameArgument(rename(mailboxRefText(args.mailbox)))}`;
    },
    async handle(args, env) {
      const typed = mailboxRefText(args.mailbox);
      // The detail card shows the mailbox's records and the requester's permissions, not its alerts (see state-cards.ts).
      const card = await cardForState(env.useCases.records, env.requester, `mailbox\u0000${typed}`, async () => {
        const result = await mailboxDetail(env.useCases, env.requester, { mailbox: typed });
        return result.ok ? ok(renderMailboxDetailCard(mailboxDetailView(result.value))) : result;
      });
      if (!card.ok) return env.fail(card.error, `Show the mailbox ${typed}`);
      await env.sendCard(card.value);
    },
  }),
  diagnose: defineCommand({
    id: 'diagnose',
    name: 'diagnose',
    aliases: ['diagnose mailbox'],
    category: 'Mailboxes',
    summary: 'Explain why a mailbox is not working: its statuses, latest alerts, the likely cause and the fix.',
    usage: 'diagnose <mailbox>',
    examples: [
      { input: 'diagnose otto@contoso.com', args: { mailbox: email('otto@contoso.com') } },
      { input: 'diagnose "Otto Owner"', args: { mailbox: named('Otto Owner') } },
    ],
    notes: ['Where the bot can make the fix, the card offers it as a button; like every write from a button, it is previewed and confirmed first.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'diagnose', description: 'Why a mailbox is not working, and the fix' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox') }),
    readArgs: readOneMailbox('diagnose'),
    writes: 'none',
    whoCanRun: 'Anyone with Read Mailbox reaching the mailbox; the fix button appears only for who may make the fix.',
    toText(args, rename) {
      return `diagnose ${nameArgument(rename(mailboxRefText(args.mailbox)))}`;
    },
    async handle(args, env) {
      const typed = mailboxRefText(args.mailbox);
      const result = await diagnoseMailboxFor(env.useCases, env.requester, { mailbox: typed });
      if (!result.ok) return env.fail(result.error, `Diagnose the mailbox ${typed}`);
      await env.sendCard(renderDiagnosisCard(diagnosisView(result.value)));
    },
  }),
  applyDefaultSettings: defineCommand({
    id: 'applyDefaultSettings',
    name: 'apply default settings to',
    aliases: ['apply default settings', 'apply default email settings to', 'apply default email settings'],
    category: 'Mailboxes',
    summary: 'Apply the default profile and delivery methods to mailboxes, then Test & Enable them unless you say without test.',
    usage: 'apply default settings to <mailboxes|all> [without test]',
    examples: [
      { input: 'apply default settings to alice@contoso.com, "Sales Inbox"', args: { mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com'), named('Sales Inbox')] }, test: true } },
      { input: 'apply default settings to all without test', args: { mailboxes: { kind: 'keyword', keyword: 'all' }, test: false } },
    ],
    notes: [SELECTOR_NOTE],
    mailboxKeywords: ['all'],
    scopes: everywhere,
    manifest: { menu: [], title: 'apply default settings to', description: 'Apply the default profile and methods to mailboxes, then test and enable them' },
    args: z.object({ mailboxes: mailboxSelectionSchema(['all']), test: z.boolean() }),
    readArgs: readApplyDefaults,
    writes: (args) => selectionWrite(args.mailboxes),
    overwrites: true,
    whoCanRun: 'System Administrator or System Customizer, with Read and Write Mailbox reaching each mailbox.',
    toText(args, rename) {
      return `apply default settings to ${mailboxSelectionText(args.mailboxes, rename)}${args.test ? '' : ' without test'}`;
    },
    async handle(args, env) {
      const result = await applyDefaultEmailSettings(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes), testAndEnable: args.test });
      if (!result.ok) return env.fail(result.error, `Apply the default email settings to ${describeSelection(args.mailboxes)}`);
      const title = args.test ? 'Apply default email settings, then Test & Enable' : 'Apply default email settings (without test)';
      await env.sendCard(renderOperationResultCard(operationResultView(title, result.value)));
      await tellTestAndEnableFollows(env, result.value.testAndEnableRequestedFor.length);
    },
  }),
  editMailboxes: defineCommand({
    id: 'editMailboxes',
    name: 'edit mailboxes',
    aliases: ['edit mailbox'],
    category: 'Mailboxes',
    summary: 'Set the server profile and any of the three delivery methods on several mailboxes at once (no test runs).',
    usage: 'edit mailboxes <mailboxes|all> profile=<profile> incoming=<method> outgoing=<method> act=<method>',
    examples: [
      {
        input: 'edit mailboxes alice@contoso.com, bob@contoso.com profile="Microsoft Exchange Online" incoming=sss outgoing=sss act=sss',
        args: {
          mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com'), email('bob@contoso.com')] },
          changes: {
            profile: EXCHANGE_ONLINE_PROFILE_NAME,
            incoming: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
            outgoing: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
            act: ActDeliveryMethod.ServerSideSynchronization,
          },
        },
      },
      {
        input: 'edit mailboxes "Sales Inbox" act = none',
        args: { mailboxes: { kind: 'list', mailboxes: [named('Sales Inbox')] }, changes: { act: ActDeliveryMethod.None } },
      },
    ],
    notes: [SELECTOR_NOTE, 'Give any of profile, incoming, outgoing and act, at least one; key = value with spaces works too.', METHOD_NOTE],
    mailboxKeywords: ['all'],
    scopes: everywhere,
    manifest: { menu: [], title: 'edit mailboxes', description: 'Set profile and delivery methods on several mailboxes: profile=… incoming=… outgoing=… act=…' },
    args: z.object({
      mailboxes: mailboxSelectionSchema(['all']),
      changes: z
        .object({
          profile: profileNameSchema.optional(),
          incoming: incomingMethodSchema.optional(),
          outgoing: outgoingMethodSchema.optional(),
          act: actMethodSchema.optional(),
        })
        .refine((changes) => Object.values(changes).some((value) => value !== undefined), `Change at least one setting: ${EDIT_PAIRS_HINT}.`),
    }),
    readArgs: readEditMailboxes,
    writes: (args) => selectionWrite(args.mailboxes),
    whoCanRun: 'System Administrator or System Customizer, with Read and Write Mailbox reaching each mailbox.',
    toText(args, rename) {
      const { profile, incoming, outgoing, act } = args.changes;
      const pairs = [
        ...(profile === undefined ? [] : [`profile=${nameArgument(rename(profile))}`]),
        ...(incoming === undefined ? [] : [`incoming=${incomingWord[incoming]}`]),
        ...(outgoing === undefined ? [] : [`outgoing=${outgoingWord[outgoing]}`]),
        ...(act === undefined ? [] : [`act=${actWord[act]}`]),
      ];
      return `edit mailboxes ${mailboxSelectionText(args.mailboxes, rename)} ${pairs.join(' ')}`;
    },
    async handle(args, env) {
      const result = await editMailboxes(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes), changes: args.changes });
      if (!result.ok) return env.fail(result.error, `Change the profile and delivery methods of ${describeSelection(args.mailboxes)}`);
      await env.sendCard(renderOperationResultCard(operationResultView('Edit mailboxes', result.value)));
    },
  }),
  changeEmail: defineCommand({
    id: 'changeEmail',
    name: 'change email',
    aliases: ['change email address', 'change email of', 'change email address of'],
    category: 'Mailboxes',
    summary: "Change a user's or queue's primary email address; the mailbox then needs approval again.",
    usage: 'change email <user or queue> to <new address>',
    examples: [
      { input: 'change email alice@contoso.com to alice.smith@contoso.com', args: { target: email('alice@contoso.com'), newAddress: 'alice.smith@contoso.com' } },
      { input: 'change email "Support Queue" to help@contoso.com', args: { target: named('Support Queue'), newAddress: 'help@contoso.com' } },
    ],
    scopes: everywhere,
    manifest: { menu: [], title: 'change email', description: "Change a user's or queue's email address (it then needs approval again)" },
    args: z
      .object({ target: addressOrNameSchema('user or queue'), newAddress: emailSchema })
      .superRefine((args, ctx) => {
        if (args.target.kind === 'email' && args.target.address === args.newAddress) {
          ctx.addIssue({ code: 'custom', message: `${args.newAddress} is already that address; give a different new address.` });
        }
      }),
    readArgs: readChangeEmail,
    writes: 'single',
    whoCanRun: 'System Administrator, or Write Mailbox reaching the user’s or queue’s mailbox.',
    toText(args, rename) {
      return `change email ${nameArgument(rename(mailboxRefText(args.target)))} to ${args.newAddress}`;
    },
    async handle(args, env) {
      const who = mailboxRefText(args.target);
      const result = await changeEmailAddress(env.useCases, env.requester, { who, newAddress: args.newAddress });
      if (!result.ok) return env.fail(result.error, `Change the email address of ${who} to ${args.newAddress}`);
      await env.sendCard(renderNoticeCard(emailChangeNotice(result.value)));
    },
  }),
  syncFromThisOrgOnly: defineCommand({
    id: 'syncFromThisOrgOnly',
    name: 'sync from this org only',
    aliases: ['sync from this organization only', 'sync with this org only'],
    category: 'Mailboxes',
    summary: 'Turn on or off "Sync items with Exchange from this org only, even if Exchange was set to sync with a different org" for a mailbox.',
    usage: 'sync from this org only <mailbox> on|off',
    examples: [{ input: 'sync from this org only alice@contoso.com on', args: { mailbox: email('alice@contoso.com'), enabled: true } }],
    notes: ['Use it when appointments, contacts, and tasks fail because the mailbox syncs with another organization.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'sync from this org only', description: 'Make this organization the one that syncs a mailbox with Exchange (on) or not (off)' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox'), enabled: switchSchema }),
    readArgs: readSyncFromThisOrgOnly,
    writes: 'single',
    whoCanRun: 'System Administrator or System Customizer, with Read and Write Mailbox reaching the mailbox.',
    toText(args, rename) {
      return `sync from this org only ${nameArgument(rename(mailboxRefText(args.mailbox)))} ${onOff(args.enabled)}`;
    },
    async handle(args, env) {
      const typed = mailboxRefText(args.mailbox);
      const result = await setSyncFromThisOrgOnly(env.useCases, env.requester, { mailbox: typed, on: args.enabled });
      if (!result.ok) return env.fail(result.error, `Turn “Sync items with Exchange from this org only” ${args.enabled ? 'on' : 'off'} for ${typed}`);
      await env.sendCard(renderNoticeCard(syncFromThisOrgOnlyNotice(result.value, args.enabled)));
    },
  }),
  approveMailbox: defineCommand({
    id: 'approveMailbox',
    name: 'approve mailbox',
    aliases: ['approve mailboxes', 'approve email', 'approve emails', 'approve email address', 'approve email addresses'],
    category: 'Approval',
    summary: 'Approve the email address of mailboxes, if the permission model lets you.',
    usage: 'approve mailbox <mailboxes|pending>',
    examples: [
      { input: 'approve mailbox alice@contoso.com', args: { mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com')] } } },
      { input: 'approve mailbox pending', args: { mailboxes: { kind: 'keyword', keyword: 'pending' } } },
    ],
    notes: [SELECTOR_NOTE],
    mailboxKeywords: ['pending'],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'approve mailbox', description: 'Approve email addresses: one mailbox, a comma list, or pending' },
    args: z.object({ mailboxes: mailboxSelectionSchema(['pending']) }),
    readArgs: readMailboxes,
    writes: (args) => selectionWrite(args.mailboxes),
    whoCanRun: 'The approvers of the permission model for this organization’s version and deployment, holding Approve Email Addresses for Users or Queues reaching the mailbox (type whoami to see yours).',
    toText(args, rename) {
      return `approve mailbox ${mailboxSelectionText(args.mailboxes, rename)}`;
    },
    async handle(args, env) {
      // With "Test & Enable right after approval" the use case publishes testAndEnableRequested and the jobs
      // service tests the approved mailboxes on its own; the approval cards service tells the owners.
      const result = await approveEmail(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes) });
      if (!result.ok) return env.fail(result.error, `Approve the email address of ${describeSelection(args.mailboxes)}`);
      await env.sendCard(renderOperationResultCard(operationResultView('Approve email', result.value, { title: 'Approved mailboxes', command: 'mailboxes approved' })));
    },
  }),
  rejectMailbox: defineCommand({
    id: 'rejectMailbox',
    name: 'reject mailbox',
    aliases: ['reject mailboxes', 'reject email', 'reject emails', 'reject email address', 'reject email addresses'],
    category: 'Approval',
    summary: 'Reject the email address of mailboxes, so no email is processed for them. Say why: the reason is kept in the audit and shown to the owner.',
    usage: 'reject mailbox <mailboxes|pending> because <reason>',
    examples: [
      {
        input: 'reject mailbox "Old Sales Inbox", eve@contoso.com because the addresses are retired',
        args: { mailboxes: { kind: 'list', mailboxes: [named('Old Sales Inbox'), email('eve@contoso.com')] }, reason: 'the addresses are retired' },
      },
    ],
    notes: [SELECTOR_NOTE, 'Without a reason nothing is rejected: the bot asks for one.'],
    mailboxKeywords: ['pending'],
    scopes: everywhere,
    manifest: { menu: ['team', 'groupChat'], title: 'reject mailbox', description: 'Reject email addresses: one mailbox, a comma list, or pending' },
    args: z.object({
      mailboxes: mailboxSelectionSchema(['pending']),
      reason: z.string().trim().min(1, 'Say why after because, e.g. because the address is retired.').max(1000, 'Keep the reason under 1000 characters.').optional(),
    }),
    readArgs: readRejection,
    writes: (args) => selectionWrite(args.mailboxes),
    whoCanRun:
      'The approvers of the permission model for this organization’s version and deployment, holding Approve Email Addresses for Users or Queues reaching the mailbox (type whoami to see yours).',
    toText(args, rename) {
      return `reject mailbox ${mailboxSelectionText(args.mailboxes, rename)}${args.reason === undefined ? '' : ` because ${args.reason}`}`;
    },
    async handle(args, env) {
      // The use case resolves the mailboxes and checks permission before it asks for a reason, so an unknown
      // name gets not-found and a refused person the refusal, never a question asked in vain.
      const result = await rejectEmail(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes), ...(args.reason === undefined ? {} : { remark: args.reason }) });
      if (!result.ok && result.error.code === 'ReasonRequired') {
        // A rejection stands until someone decides again, so it is never made without saying why.
        // Say how many it would be, so `reject mailbox pending` shows its reach before anyone gives a reason.
        const selected = await selectMailboxes(env.useCases.records, mailboxSelector(args.mailboxes));
        const reach = selected.ok && args.mailboxes.kind === 'keyword' ? ` (${selected.value.length === 1 ? '1 mailbox' : `${selected.value.length} mailboxes`} now)` : '';
        await env.send({
          text: `Why do you reject the email address of ${describeSelection(args.mailboxes)}${reach}? Nothing was rejected: a rejection needs a reason, which is kept in the audit and shown to the owner. Type **${env.commandText} because <reason>**.`,
        });
        return;
      }
      if (!result.ok) return env.fail(result.error, `Reject the email address of ${describeSelection(args.mailboxes)}`);
      await env.sendCard(renderOperationResultCard(operationResultView('Reject email', result.value, { title: 'Rejected mailboxes', command: 'mailboxes rejected' })));
    },
  }),
  requestApproval: defineCommand({
    id: 'requestApproval',
    name: 'request approval',
    aliases: ['request approval for', 'ask for approval', 'ask for approval of'],
    category: 'Approval',
    summary: 'Ask the people who may approve a mailbox to approve it; they get a card with Approve and Reject.',
    usage: 'request approval <mailbox>',
    examples: [{ input: 'request approval alice@contoso.com', args: { mailbox: email('alice@contoso.com') } }],
    scopes: everywhere,
    manifest: { menu: [], title: 'request approval', description: 'Ask the approvers to approve a mailbox' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox') }),
    readArgs: readOneMailbox('request approval'),
    writes: 'single',
    whoCanRun: 'The mailbox owner, or a System Administrator.',
    toText(args, rename) {
      return `request approval ${nameArgument(rename(mailboxRefText(args.mailbox)))}`;
    },
    async handle(args, env) {
      const typed = mailboxRefText(args.mailbox);
      const result = await requestApproval(env.useCases, env.requester, { mailbox: typed });
      if (!result.ok) return env.fail(result.error, `Request approval for ${typed}`);
      await env.sendCard(renderNoticeCard(requestApprovalNotice(result.value)));
    },
  }),
  approvalRequired: defineCommand({
    id: 'approvalRequired',
    name: 'approval required',
    aliases: ['require approval', 'approval requirement'],
    category: 'Approval',
    summary: 'Show, or turn on or off, "Process emails only for approved users" and "… approved queues".',
    usage: 'approval required [users|queues on|off]',
    examples: [
      { input: 'approval required', args: { change: undefined } },
      { input: 'approval required queues off', args: { change: { appliesTo: 'queues', required: false } } },
    ],
    notes: ['Both are on by default; Microsoft does not recommend turning them off.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'approval required', description: 'Show or change whether email is processed only for approved users and queues' },
    args: z.object({ change: z.object({ appliesTo: approvalTargetSchema, required: switchSchema }).optional() }),
    readArgs: readApprovalRequired,
    writes: (args) => (args.change === undefined ? 'none' : 'single'),
    whoCanRun: 'Showing: anyone who may see the email configuration. Changing: the administrators of the permission model.',
    toText(args) {
      return args.change === undefined ? 'approval required' : `approval required ${args.change.appliesTo} ${onOff(args.change.required)}`;
    },
    async handle(args, env) {
      const { change } = args;
      if (change === undefined) {
        const result = await showApprovalRequirement(env.useCases, env.requester);
        if (!result.ok) return env.fail(result.error, 'Show whether email is processed only for approved users and queues');
        await env.sendCard(renderNoticeCard(approvalRequirementNotice(result.value)));
        return;
      }
      const result = await setApprovalRequirement(env.useCases, env.requester, { audience: change.appliesTo, required: change.required });
      if (!result.ok) {
        return env.fail(result.error, `Turn “Process emails only for approved ${change.appliesTo}” ${change.required ? 'on' : 'off'}`);
      }
      await env.sendCard(renderNoticeCard(approvalRequirementChangeNotice(result.value, change.appliesTo, change.required)));
    },
  }),
};
