// Test & Enable as background jobs: start one and show its card, which the jobs service updates in place.
import { z } from 'zod';
import { selectMailboxes } from '../../app/index.js';
import { findProfile } from '../../app/lookup.js';
import { readAll } from '../../app/ports.js';
import { renderJobProgressCard } from '../../cards/index.js';
import type { Mailbox } from '../../domain/model.js';
import { jobCardView, noJobNotice, renderNoticeCard } from '../views/index.js';
import { describeSelection, mailboxSelector, selectionWrite } from '../handlers/environment.js';
import { sendJobCard } from '../handlers/jobs.js';
import { mailboxSelectionText, nameArgument } from '../views/command-line.js';
import { mapRead, readText } from './arguments.js';
import { defineCommand, everywhere, EXCHANGE_ONLINE_PROFILE_NAME } from './define.js';
import { email, profileRequired, readMailboxes, readProfile, SELECTOR_NOTE } from './grammar.js';
import { jobIdSchema, mailboxSelectionSchema } from './values.js';

function selectionTitle(mailboxes: readonly Mailbox[], keyword: 'all' | undefined): string {
  const [only] = mailboxes;
  if (keyword === 'all') return `Test & Enable all ${mailboxes.length} active mailboxes`;
  if (mailboxes.length === 1 && only !== undefined) return `Test & Enable ${only.name} (${only.emailAddress})`;
  return `Test & Enable ${mailboxes.length} mailboxes`;
}

export const jobCommands = {
  testMailbox: defineCommand({
    id: 'testMailbox',
    name: 'test mailbox',
    aliases: ['test mailboxes', 'test and enable mailbox', 'test and enable mailboxes', 'test & enable mailbox', 'test & enable mailboxes', 'test and enable'],
    category: 'Test & Enable',
    summary: 'Test & Enable mailboxes: test incoming, outgoing and appointments, contacts, and tasks, and enable them on success.',
    usage: 'test mailbox <mailboxes|all>',
    examples: [
      { input: 'test mailbox alice@contoso.com, bob@contoso.com', args: { mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com'), email('bob@contoso.com')] } } },
      { input: 'test mailboxes all', args: { mailboxes: { kind: 'keyword', keyword: 'all' } } },
    ],
    notes: [SELECTOR_NOTE, 'The test runs as a background job; the bot answers with its job id.'],
    mailboxKeywords: ['all'],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'test mailbox', description: 'Test & Enable mailboxes: one, a comma list, or all' },
    args: z.object({ mailboxes: mailboxSelectionSchema(['all']) }),
    readArgs: readMailboxes,
    writes: (args) => selectionWrite(args.mailboxes),
    whoCanRun: 'System Administrator or System Customizer, or the mailbox owner with Write Mailbox.',
    toText(args, rename) {
      return `test mailbox ${mailboxSelectionText(args.mailboxes, rename)}`;
    },
    async handle(args, env) {
      const attempted = `Test & Enable ${describeSelection(args.mailboxes)}`;
      const selected = await selectMailboxes(env.useCases.records, mailboxSelector(args.mailboxes));
      if (!selected.ok) return env.fail(selected.error, attempted);
      const started = await env.deps.jobs.startJob({
        requester: env.requester,
        mailboxIds: selected.value.map((mailbox) => mailbox.id),
        origin: 'command',
        title: selectionTitle(selected.value, args.mailboxes.kind === 'keyword' ? 'all' : undefined),
      });
      if (!started.ok) return env.fail(started.error, attempted);
      await sendJobCard(env, started.value);
    },
  }),
  testProfileMailboxes: defineCommand({
    id: 'testProfileMailboxes',
    name: 'test mailboxes for profile',
    aliases: ['test and enable mailboxes for profile', 'test & enable mailboxes for profile', 'test mailbox for profile', 'test profile mailboxes'],
    category: 'Test & Enable',
    summary: 'Test & Enable every mailbox of an email server profile, as a background job.',
    usage: 'test mailboxes for profile <profile>',
    examples: [{ input: 'test mailboxes for profile "Microsoft Exchange Online"', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    scopes: everywhere,
    manifest: { menu: ['team', 'groupChat'], title: 'test mailboxes for profile', description: 'Test & Enable all mailboxes of a profile as a background job' },
    args: profileRequired,
    readArgs: readProfile,
    writes: 'bulk',
    whoCanRun: 'System Administrator or System Customizer, or the mailbox owner with Write Mailbox (for each mailbox).',
    toText(args, rename) {
      return `test mailboxes for profile ${nameArgument(rename(args.profile))}`;
    },
    async handle(args, env) {
      const attempted = `Test & Enable the mailboxes of the profile “${args.profile}”`;
      const { records } = env.useCases;
      const profile = await findProfile(records, args.profile);
      if (!profile.ok) return env.fail(profile.error, attempted);
      const { name, id } = profile.value;
      const mailboxIds = (await readAll((page) => records.mailboxPage({ profileId: id, activeOnly: true }, page))).map((mailbox) => mailbox.id);
      if (mailboxIds.length === 0) {
        await env.sendCard(
          renderNoticeCard({
            title: `No active mailbox uses the profile “${name}”`,
            tone: 'neutral',
            lines: ['There is nothing to test. Link mailboxes to the profile with apply default settings or edit mailboxes.'],
            actions: [{ title: 'Help: apply default settings', command: 'help apply default settings to' }],
          }),
        );
        return;
      }
      const started = await env.deps.jobs.startJob({ requester: env.requester, mailboxIds, origin: 'profile', title: `Test & Enable mailboxes of profile ${name}` });
      if (!started.ok) return env.fail(started.error, attempted);
      await sendJobCard(env, started.value);
    },
  }),
  job: defineCommand({
    id: 'job',
    name: 'job',
    aliases: ['job status'],
    category: 'Test & Enable',
    summary: 'Show the progress of a Test & Enable job; without an id, your latest job.',
    usage: 'job [job id]',
    examples: [
      { input: 'job', args: { jobId: undefined } },
      { input: 'job J-1042', args: { jobId: 'J-1042' } },
    ],
    scopes: everywhere,
    manifest: { menu: ['team', 'groupChat'], title: 'job', description: 'Show the progress of a Test & Enable job (your latest if no id)' },
    args: z.object({ jobId: jobIdSchema.optional() }),
    readArgs: (tokens) => mapRead(readText(tokens, 'job id'), (jobId) => ({ jobId })),
    writes: 'none',
    whoCanRun: 'Anyone in the organization.',
    toText(args) {
      return (args.jobId === undefined ? 'job' : `job ${args.jobId}`);
    },
    async handle(args, env) {
      const job = args.jobId === undefined ? env.deps.jobs.latestJobOf(env.requester.id) : env.deps.jobs.job(args.jobId);
      if (job === undefined) {
        await env.sendCard(renderNoticeCard(noJobNotice(args.jobId)));
        return;
      }
      await env.sendCard(renderJobProgressCard(jobCardView(job)));
    },
  }),
};
