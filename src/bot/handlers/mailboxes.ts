// Mailbox lists and details, and the commands that configure mailboxes or decide their approval.
import {
  applyDefaultEmailSettings,
  approveEmail,
  changeEmailAddress,
  editMailboxes,
  listMailboxes,
  mailboxDetail,
  rejectEmail,
  requestApproval,
  setApprovalRequirement,
  setSyncFromThisOrgOnly,
  showApprovalRequirement,
} from '../../app/index.js';
import { renderMailboxDetailCard, renderMailboxListCard, renderOperationResultCard } from '../../cards/index.js';
import {
  approvalRequirementChangeNotice,
  approvalRequirementNotice,
  commandLine,
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
import { describeSelection, mailboxSelector } from './environment.js';
import { tellTestAndEnableFollows } from './jobs.js';
import { cardForState } from './state-cards.js';
import type { CommandHandlers } from './types.js';

export const mailboxHandlers: Pick<
  CommandHandlers,
  | 'mailboxes'
  | 'mailbox'
  | 'applyDefaultSettings'
  | 'editMailboxes'
  | 'changeEmail'
  | 'syncFromThisOrgOnly'
  | 'approveMailbox'
  | 'rejectMailbox'
  | 'requestApproval'
  | 'approvalRequired'
> = {
  mailboxes: async (args, env) => {
    // Keyed by every argument: the Previous/Next buttons repeat them.
    const card = await cardForState(env.useCases.store, env.requester, `mailboxes\u0000${JSON.stringify(args)}`, async () => {
      const result = await listMailboxes(env.useCases, env.requester, { filter: args.filter, profile: args.profile, page: args.page });
      if (!result.ok) return result;
      const pageCommand = (page: number): string => commandLine({ kind: 'command', id: 'mailboxes', args: { ...args, page } });
      return ok(renderMailboxListCard(mailboxListView(result.value, pageCommand)));
    });
    if (!card.ok) return env.fail(card.error, 'List mailboxes');
    await env.sendCard(card.value);
  },

  mailbox: async (args, env) => {
    const typed = mailboxRefText(args.mailbox);
    // The detail card shows the mailbox's records and the requester's permissions, not its alerts (see state-cards.ts).
    const card = await cardForState(env.useCases.store, env.requester, `mailbox\u0000${typed}`, async () => {
      const result = await mailboxDetail(env.useCases, env.requester, { mailbox: typed });
      return result.ok ? ok(renderMailboxDetailCard(mailboxDetailView(result.value))) : result;
    });
    if (!card.ok) return env.fail(card.error, `Show the mailbox ${typed}`);
    await env.sendCard(card.value);
  },

  applyDefaultSettings: async (args, env) => {
    const result = await applyDefaultEmailSettings(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes), testAndEnable: args.test });
    if (!result.ok) return env.fail(result.error, `Apply the default email settings to ${describeSelection(args.mailboxes)}`);
    const title = args.test ? 'Apply default email settings, then Test & Enable' : 'Apply default email settings (without test)';
    await env.sendCard(renderOperationResultCard(operationResultView(title, result.value)));
    await tellTestAndEnableFollows(env, result.value.testAndEnableRequestedFor.length);
  },

  editMailboxes: async (args, env) => {
    const result = await editMailboxes(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes), changes: args.changes });
    if (!result.ok) return env.fail(result.error, `Change the profile and delivery methods of ${describeSelection(args.mailboxes)}`);
    await env.sendCard(renderOperationResultCard(operationResultView('Edit mailboxes', result.value)));
  },

  changeEmail: async (args, env) => {
    const who = mailboxRefText(args.target);
    const result = await changeEmailAddress(env.useCases, env.requester, { who, newAddress: args.newAddress });
    if (!result.ok) return env.fail(result.error, `Change the email address of ${who} to ${args.newAddress}`);
    await env.sendCard(renderNoticeCard(emailChangeNotice(result.value)));
  },

  syncFromThisOrgOnly: async (args, env) => {
    const typed = mailboxRefText(args.mailbox);
    const result = await setSyncFromThisOrgOnly(env.useCases, env.requester, { mailbox: typed, on: args.enabled });
    if (!result.ok) return env.fail(result.error, `Turn “Sync items with Exchange from this org only” ${args.enabled ? 'on' : 'off'} for ${typed}`);
    await env.sendCard(renderNoticeCard(syncFromThisOrgOnlyNotice(result.value, args.enabled)));
  },

  approveMailbox: async (args, env) => {
    // With "Test & Enable right after approval" the use case publishes testAndEnableRequested and the jobs
    // service tests the approved mailboxes on its own; the approval cards service tells the owners.
    const result = await approveEmail(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes) });
    if (!result.ok) return env.fail(result.error, `Approve the email address of ${describeSelection(args.mailboxes)}`);
    await env.sendCard(renderOperationResultCard(operationResultView('Approve email', result.value, { title: 'Approved mailboxes', command: 'mailboxes approved' })));
  },

  rejectMailbox: async (args, env) => {
    const result = await rejectEmail(env.useCases, env.requester, { mailboxes: mailboxSelector(args.mailboxes), ...(args.reason === undefined ? {} : { remark: args.reason }) });
    if (!result.ok && result.error.code === 'ReasonRequired') {
      // A rejection stands until someone decides again, so it is never made without saying why.
      await env.send({
        text: `Why do you reject the email address of ${describeSelection(args.mailboxes)}? Nothing was rejected: a rejection needs a reason, which is kept in the audit and shown to the owner. Type **${commandLine(env.command)} because <reason>**.`,
      });
      return;
    }
    if (!result.ok) return env.fail(result.error, `Reject the email address of ${describeSelection(args.mailboxes)}`);
    await env.sendCard(renderOperationResultCard(operationResultView('Reject email', result.value, { title: 'Rejected mailboxes', command: 'mailboxes rejected' })));
  },

  requestApproval: async (args, env) => {
    const typed = mailboxRefText(args.mailbox);
    const result = await requestApproval(env.useCases, env.requester, { mailbox: typed });
    if (!result.ok) return env.fail(result.error, `Request approval for ${typed}`);
    await env.sendCard(renderNoticeCard(requestApprovalNotice(result.value)));
  },

  approvalRequired: async (args, env) => {
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
};
