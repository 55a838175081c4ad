// The help card's view, generated from the command registry (src/bot/commands/help.ts) so that help
// can never describe a command the parser does not accept.
import type { CommandButtonView, HelpView } from '../../cards/index.js';
import { commandHelp, helpOverview } from '../commands/help.js';
import type { CommandId, ConversationScope } from '../commands/registry.js';

/** Who may run each command, in words (the detail view's "Who can run it"). */
export const whoCanRun: Readonly<Record<CommandId, string>> = {
  help: 'Anyone in the organization.',
  whoami: 'Anyone in the organization.',
  profiles: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
  verifyProfile: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
  setDefaultProfile: 'System Administrator, or System Customizer with Write Organization (System Settings).',
  settings: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
  setDefaultIncoming: 'System Administrator, or System Customizer with Write Organization (System Settings).',
  setDefaultOutgoing: 'System Administrator, or System Customizer with Write Organization (System Settings).',
  setDefaultAct: 'System Administrator, or System Customizer with Write Organization (System Settings).',
  mailboxes: 'Anyone with Read Mailbox; the list holds the mailboxes that depth reaches.',
  mailbox: 'Anyone with Read Mailbox reaching the mailbox.',
  applyDefaultSettings: 'System Administrator or System Customizer, with Read and Write Mailbox reaching each mailbox.',
  editMailboxes: 'System Administrator or System Customizer, with Read and Write Mailbox reaching each mailbox.',
  changeEmail: 'System Administrator, or Write Mailbox reaching the user’s or queue’s mailbox.',
  syncFromThisOrgOnly: 'System Administrator or System Customizer, with Read and Write Mailbox reaching the mailbox.',
  approveMailbox:
    'The approvers of the permission model for this organization’s version and deployment, holding Approve Email Addresses for Users or Queues reaching the mailbox (type whoami to see yours).',
  rejectMailbox:
    'The approvers of the permission model for this organization’s version and deployment, holding Approve Email Addresses for Users or Queues reaching the mailbox (type whoami to see yours).',
  requestApproval: 'The mailbox owner, or a System Administrator.',
  approvalRequired: 'Showing: anyone who may see the email configuration. Changing: the administrators of the permission model.',
  testMailbox: 'System Administrator or System Customizer, or the mailbox owner with Write Mailbox.',
  testProfileMailboxes: 'System Administrator or System Customizer, or the mailbox owner with Write Mailbox (for each mailbox).',
  job: 'Anyone in the organization.',
  alerts: 'Mailbox alerts: Read Mailbox reaching the mailbox. Profile alerts: anyone who may see the email configuration.',
  audit: 'System Administrator.',
  subscribeAlerts: 'System Administrator or System Customizer, in a team channel or group chat.',
  unsubscribeAlerts: 'System Administrator or System Customizer, in a team channel or group chat.',
  roles: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
  grantApprovePrivilege: 'System Administrator.',
  revokeApprovePrivilege: 'System Administrator.',
};

const scopeLabel: Readonly<Record<ConversationScope, string>> = { personal: 'personal chat', team: 'team channels', groupChat: 'group chats' };

/** Every command usable in this kind of conversation, by category, each with its first example. */
export function helpOverviewView(scope: ConversationScope): HelpView {
  return {
    kind: 'overview',
    categories: helpOverview(scope).map((section) => ({
      title: section.category,
      commands: section.commands.map((entry) => {
        const help = commandHelp(entry.id);
        return { name: help.name, summary: help.summary, usage: help.usage, example: help.examples[0] ?? help.usage };
      }),
    })),
  };
}

/** One command in detail: usage, examples, keywords, notes, where it works and who may run it. */
export function helpCommandView(id: CommandId): HelpView {
  const help = commandHelp(id);
  const [example = help.usage, ...moreExamples] = help.examples;
  const details = [
    ...help.notes,
    ...help.mailboxKeywords.map(({ keyword, meaning }) => `${keyword} stands for ${meaning}.`),
    ...(moreExamples.length > 0 ? [`More examples: ${moreExamples.join(' · ')}`] : []),
    `Works in ${help.scopes.map((scope) => scopeLabel[scope]).join(', ')}.`,
  ];
  // A command that needs no arguments can be tried right away; the others need the user's own names.
  const actions: CommandButtonView[] = [
    ...(help.examples.includes(help.name) && help.name !== 'help' ? [{ title: `Run: ${help.name}`, command: help.name }] : []),
    { title: 'All commands', command: 'help' },
  ];
  return {
    kind: 'command',
    category: help.category,
    command: { name: help.name, summary: help.summary, usage: help.usage, example, aliases: help.aliases, whoCanRunIt: whoCanRun[id], details },
    actions,
  };
}
