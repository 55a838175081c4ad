// What people ask the bot in their own words, as intents: each says which records it needs, whether it
// changes anything, how it is written as an exact command, and the sentences the model learns it from.
// Training sentences use placeholders for records (see entities.ts), so they hold for any organization.
// The evaluation set in test/natural is kept apart from these sentences (a test checks there is no overlap).
import type { MailboxStatusWord } from './entities.js';

export const intentIds = [
  'help', 'whoami', 'profiles', 'verifyProfile', 'settings', 'listMailboxes', 'mailboxDetail', 'diagnose',
  'approve', 'reject', 'requestApproval', 'testMailbox', 'testProfile', 'applyDefaults', 'syncFromThisOrgOnly',
  'alerts', 'audit', 'job', 'health', 'roles',
] as const;
export type IntentId = (typeof intentIds)[number];

/** What an intent needs to become a command. */
export type SlotNeed =
  | 'nothing'
  | 'status'
  | 'mailbox'
  | 'mailboxes'
  | 'mailboxesOrAll'
  | 'mailboxesOrPending'
  | 'profile'
  | 'optionalProfile'
  | 'mailboxOrProfile';

export interface IntentDefinition {
  readonly id: IntentId;
  /** A short description for "did you mean" replies: "show mailboxes by status". */
  readonly describe: string;
  /** A sentence a person could type, shown as a suggestion. */
  readonly example: string;
  readonly needs: SlotNeed;
  readonly writes: boolean;
  readonly training: readonly string[];
}

const M = 'mailboxref';
const P = 'profileref';

export const intents: readonly IntentDefinition[] = [
  {
    id: 'help', describe: 'what the bot can do', example: 'what can you do?', needs: 'nothing', writes: false,
    training: ['what kind of questions can i ask', 'what things can i ask', 'what do you do', 'what are you for', 'i am confused what should i type', 'what should i type', 'what can you do', 'help me', 'how do i use this bot', 'what commands are there', 'show me the commands', 'i need some help', 'how does this work', 'what can i ask you', 'list your commands', 'help please', 'what are the options', 'i am lost'],
  },
  {
    id: 'whoami', describe: 'your roles and what you may do', example: 'what am I allowed to do?', needs: 'nothing', writes: false,
    training: ['what am i allowed to change', 'who do you think i am', 'whoami', 'what are my privileges', 'which permissions are mine', 'my roles please', 'what am i able to do', 'who am i', 'what are my roles', 'what may i do here', 'what am i allowed to do', 'show my permissions', 'can i approve email addresses', 'what privileges do i have', 'which roles do i have', 'am i an admin', 'what rights do i have', 'my access', 'do i have permission to approve', 'tell me about myself'],
  },
  {
    id: 'profiles', describe: 'the email server profiles', example: 'which email server profiles do we have?', needs: 'nothing', writes: false,
    training: ['show the email server profiles', 'list profiles', 'which server profiles exist', 'what profiles do we have', 'show me all email server profiles', 'list the server profiles', 'which profiles are configured', 'email server profiles'],
  },
  {
    id: 'verifyProfile', describe: 'check that a server profile is set up', example: 'is the Exchange Online profile set up correctly?', needs: 'optionalProfile', writes: false,
    training: ['verify the profile', 'check the profile is right', 'validate the server profile settings', `check the ${P} profile`, 'is the profile set up correctly', `verify ${P}`, `is ${P} ok`, `check ${P}`, 'verify the exchange online profile', `is the ${P} profile configured right`, 'does the default profile exist', `validate ${P}`, 'is our server profile correct', `verify the profile ${P}`],
  },
  {
    id: 'settings', describe: 'the default email settings', example: 'what are the default email settings?', needs: 'nothing', writes: false,
    training: ['which delivery methods are used by default', 'default delivery methods', 'what are the defaults for email', 'show default email settings', 'what are the default delivery methods', 'how is email configured', 'show the settings', 'what is the default server profile', 'default email settings', 'which delivery method is the default', 'what are the organization email settings', 'is approval required for users', 'show the email configuration', 'do users need approval for email', 'does a queue need its address approved'],
  },
  {
    id: 'listMailboxes', describe: 'list mailboxes by status', example: 'show me mailboxes that failed', needs: 'status', writes: false,
    training: ['list the rejected addresses', 'any mailboxes waiting to be approved', 'mailboxes pending', 'pending approvals', 'see the pending approvals', 'show the mailboxes that are waiting', 'show me mailboxes that failed', 'list pending mailboxes', 'which mailboxes are disabled', 'show all mailboxes', 'what mailboxes need approval', 'any failed mailboxes', 'show rejected email addresses', 'list the mailboxes', 'which mailboxes are not approved', 'mailboxes waiting for approval', 'which addresses are pending', 'show approved mailboxes', 'list failing mailboxes', 'are there mailboxes with errors', 'which mailboxes are broken', 'show mailboxes', 'give me the list of disabled mailboxes', 'what is pending approval', 'how many mailboxes failed', 'list every mailbox', 'which email addresses were rejected', 'what needs approval'],
  },
  {
    id: 'mailboxDetail', describe: 'one mailbox and its status', example: "show Otto Owner's mailbox", needs: 'mailbox', writes: false,
    training: [`which state is ${M} in`, `state of ${M}`, `how is ${M} set up`, `show ${M}`, `details of ${M}`, `open the mailbox of ${M}`, `what is the status of ${M}`, `tell me about ${M} mailbox`, `show ${M} mailbox`, `${M} mailbox`, `look up ${M}`, `find ${M}`, `status of ${M}`, `what does the mailbox of ${M} look like`, `get ${M}`],
  },
  {
    id: 'diagnose', describe: 'why a mailbox is not working, and the fix', example: "why is Otto's mailbox not working?", needs: 'mailbox', writes: false,
    training: [`why is ${M} mailbox not working`, `what is wrong with ${M}`, `diagnose ${M}`, `why does ${M} fail`, `${M} cannot receive email`, `troubleshoot ${M}`, `why is ${M} not syncing`, `what happened to ${M}`, `why did the test fail for ${M}`, `${M} is broken`, `fix ${M}`, `why is ${M} disabled`, `${M} does not get emails`, `what is the problem with ${M}`, `why can't ${M} send email`, `help with ${M}`, `what up with ${M}`, `whats going on with ${M}`],
  },
  {
    id: 'approve', describe: 'approve email addresses', example: "approve Pia's email address", needs: 'mailboxesOrPending', writes: true,
    training: ['approve the pending ones', 'approve pending addresses', 'approve everything pending', `can you approve ${M} for me`, 'approve all waiting', 'approve waiting addresses', `could you approve ${M} please`, `approve ${M}`, `approve the email address of ${M}`, `please approve ${M} mailbox`, 'approve all pending', 'approve everything waiting', `approve ${M} and ${M}`, `ok approve ${M}`, `approve the address for ${M}`, 'approve all the pending mailboxes', `go ahead and approve ${M}`, `approve email for ${M}`, `accept ${M} address`, 'approve every pending email address', `allow ${M} email address`, `i want to approve ${M}`, `i would like to approve ${M}`, 'go ahead and approve everything that is waiting', 'approve all of the waiting ones'],
  },
  {
    id: 'reject', describe: 'reject email addresses', example: "reject the Sales Inbox's address", needs: 'mailboxesOrPending', writes: true,
    training: [`reject ${M}`, `deny ${M} address`, `decline the email of ${M}`, 'reject all pending', `reject the address of ${M}`, `refuse ${M}`, `do not approve ${M}`, `reject ${M} mailbox`, 'reject every pending mailbox', `turn down ${M}`, `deny the email address for ${M}`, `say no to ${M}`, `turn down ${M}`],
  },
  {
    id: 'requestApproval', describe: 'ask for an email address to be approved', example: 'request approval for my mailbox', needs: 'mailbox', writes: true,
    training: [`request approval for ${M}`, `ask an admin to approve ${M}`, `send ${M} for approval`, `submit ${M} for approval`, `get ${M} approved`, `request approval of ${M} address`, `ask for approval of ${M}`, `can someone approve ${M}`, `i need ${M} approved`, `i want ${M} to be approved`],
  },
  {
    id: 'testMailbox', describe: 'Test & Enable mailboxes', example: 'test and enable all mailboxes', needs: 'mailboxesOrAll', writes: true,
    training: [`test ${M}`, `test and enable ${M}`, 'enable all mailboxes', `retest ${M}`, 'run test and enable on every mailbox', `enable ${M} mailbox`, `test the mailbox of ${M}`, `run test and enable for ${M}`, 'test all mailboxes', `check the connection of ${M}`, `try ${M} again`, `test ${M} again`, 'test and enable everything', `enable ${M}`, `can you test ${M}`],
  },
  {
    id: 'testProfile', describe: 'Test & Enable the mailboxes of a profile', example: 'test the mailboxes of the Exchange Online profile', needs: 'profile', writes: true,
    training: ['test the profile mailboxes', `test ${P}`, `test mailboxes for ${P}`, `test every mailbox using ${P}`, `run test and enable for profile ${P}`, `test all mailboxes on ${P}`, `test the mailboxes of ${P}`, `enable mailboxes of profile ${P}`, `test and enable ${P} mailboxes`],
  },
  {
    id: 'applyDefaults', describe: 'apply the default email settings', example: 'apply the default settings to all mailboxes', needs: 'mailboxesOrAll', writes: true,
    training: ['apply the default settings', `apply the default settings to ${M}`, `reset ${M} to the defaults`, 'use default email settings for all mailboxes', `apply defaults to ${M}`, 'apply default settings to every mailbox', `set ${M} to the default delivery methods`, `give ${M} the default settings`, 'apply defaults everywhere', `use the default email settings for ${M}`],
  },
  {
    id: 'syncFromThisOrgOnly', describe: 'make this organization the one that syncs a mailbox', example: "sync Otto's mailbox from this org only", needs: 'mailbox', writes: true,
    training: [`sync ${M} from this org only`, `make this org primary for ${M}`, `fix the other organization problem for ${M}`, `sync items with exchange from this org only for ${M}`, `this organization should sync ${M}`, `${M} is configured with another organization`, `take over sync of ${M} from the other org`, `mark this org as primary for ${M}`],
  },
  {
    id: 'alerts', describe: 'alerts of a mailbox or profile', example: 'show the alerts of the Support mailbox', needs: 'mailboxOrProfile', writes: false,
    training: ['show the alerts', 'list alerts', `show alerts for ${M}`, `any alerts on ${M}`, `what alerts does ${P} have`, `alerts for ${M}`, `show ${P} alerts`, `list the alerts of ${M}`, `what warnings does ${M} have`, `errors of ${M}`, `show the notifications for ${P}`, `recent alerts on ${M}`],
  },
  {
    id: 'audit', describe: 'who changed what', example: 'who changed what recently?', needs: 'nothing', writes: false,
    training: ['what changed lately', 'who approved which addresses', 'what happened today', 'show the audit log', 'who changed what', 'what happened recently', 'recent changes', 'history of approvals', 'who approved what', 'show me the audit trail', 'what did people change', 'last changes', 'audit', `who approved ${M}`, `who rejected ${M}`, `who changed ${M}`, 'recent activity', 'show the activity'],
  },
  {
    id: 'job', describe: 'the progress of a Test & Enable job', example: 'how is my test going?', needs: 'nothing', writes: false,
    training: ['how is the test going', 'show the job', 'status of my test and enable', 'job progress', 'is my test finished', 'how far is the job', 'show my latest job', 'is the test and enable done', 'progress of the test'],
  },
  {
    id: 'health', describe: 'the sync health overview', example: 'how healthy is server-side sync?', needs: 'nothing', writes: false,
    training: ['sync health', 'how healthy is server side sync', 'show the dashboard', 'overview of mailbox status', 'how are we doing', 'health check', 'give me a summary of the mailboxes', 'server side synchronization status', 'is everything syncing', 'how is sync going overall', 'monitoring overview', 'show the health of email sync'],
  },
  {
    id: 'roles', describe: 'security roles and who may approve', example: 'which roles can approve email addresses?', needs: 'nothing', writes: false,
    training: ['who is allowed to approve', 'who can approve', 'which roles are allowed to approve addresses', 'list security roles', 'which roles can approve mailboxes', 'show roles and privileges', 'what security roles exist', 'who has the approve privilege', 'show the roles', 'which role may approve email addresses', 'security roles'],
  },
];

export const statusOf = (status: MailboxStatusWord | undefined, everything: boolean): MailboxStatusWord | undefined =>
  status ?? (everything ? 'all' : undefined);

/** Out-of-domain sentences, so the model has somewhere to put them besides a real intent. */
export const noneTraining: readonly string[] = [
  "what's the weather like", 'tell me a joke', 'what time is it', 'order a pizza', 'who won the game last night', 'play some music',
  'book a meeting room', 'translate this to french', 'what is the capital of france', 'how old are you', 'sing a song', 'lunch plans',
  'remind me to call', 'set a reminder for tomorrow', 'reset my windows password', 'my laptop is slow',
];
