// zod schemas for the values typed in commands: raw chat words in, domain option values out.
// Every failure message is a full sentence that names what was typed and what would have worked.
import { z } from 'zod';
import {
  ActDeliveryMethod,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  PrivilegeDepths,
  type PrivilegeDepth,
} from '../../domain/options.js';
import { nearestChoice } from './text.js';

/** "pendng is not a mailbox filter; use one of … Did you mean pending?" */
function notOneOf(typed: string, noun: string, choices: readonly string[], suggestable: readonly string[] = choices): string {
  const nearest = nearestChoice(typed, suggestable);
  const hint = nearest === undefined ? '' : ` Did you mean ${nearest}?`;
  return `${typed} is not ${noun}; use one of ${choices.join(', ')}.${hint}`;
}

/** Lower case, letters and digits only: "Server-Side Sync" and "serverside sync" compare equal. */
const squash = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

// ── Delivery methods ────────────────────────────────────────────────────────────────────────────

export type MethodWord = 'serverSideSync' | 'outlook' | 'none' | 'forward';

/** What people type for each method; the first spelling is the one help and errors show. */
export const methodSpellings: Readonly<Record<MethodWord, readonly string[]>> = {
  serverSideSync: ['server-side sync', 'sss', 'server-side synchronization', 'server-side synchronization or email router'],
  outlook: ['outlook', 'dynamics 365 for outlook', 'microsoft dynamics 365 for outlook'],
  none: ['none'],
  forward: ['forward', 'forward mailbox'],
};

const methodWords: readonly MethodWord[] = ['serverSideSync', 'outlook', 'none', 'forward'];

const methodBySquashedSpelling = new Map<string, MethodWord>(
  methodWords.flatMap((method) => methodSpellings[method].map((spelling) => [squash(spelling), method] as const)),
);

export type MethodChannel = 'incoming' | 'outgoing' | 'act';

/** The real option values per channel (ACT numbers differ from the email ones). */
export const methodValues = {
  incoming: {
    serverSideSync: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    outlook: IncomingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook,
    none: IncomingEmailDeliveryMethod.None,
    forward: IncomingEmailDeliveryMethod.ForwardMailbox,
  },
  outgoing: {
    serverSideSync: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
    outlook: OutgoingEmailDeliveryMethod.MicrosoftDynamics365ForOutlook,
    none: OutgoingEmailDeliveryMethod.None,
  },
  act: {
    serverSideSync: ActDeliveryMethod.ServerSideSynchronization,
    outlook: ActDeliveryMethod.MicrosoftDynamics365ForOutlook,
    none: ActDeliveryMethod.None,
  },
} as const;

export const methodChannelLabel: Readonly<Record<MethodChannel, string>> = {
  incoming: 'incoming email',
  outgoing: 'outgoing email',
  act: 'appointments, contacts, and tasks',
};

const channelValues = (channel: MethodChannel): Readonly<Partial<Record<MethodWord, number>>> => methodValues[channel];

/** "server-side sync (sss), outlook, none": the words accepted for one channel. */
export function methodChoices(channel: MethodChannel): readonly string[] {
  const values = channelValues(channel);
  return methodWords
    .filter((method) => values[method] !== undefined)
    .map((method) => {
      const [preferred = method, short] = methodSpellings[method];
      return method === 'serverSideSync' && short !== undefined ? `${preferred} (${short})` : preferred;
    });
}

function methodSchema<Value extends number>(channel: MethodChannel, values: Readonly<Partial<Record<MethodWord, Value>>>) {
  const choices = methodChoices(channel);
  const allSpellings = Object.values(methodSpellings).flat();
  return z.string().transform((typed, ctx): Value => {
    const text = typed.trim();
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (text === '') return fail(`Say which ${methodChannelLabel[channel]} delivery method to use: ${choices.join(', ')}.`);
    if (/^\d+$/.test(text)) {
      return fail(
        `Write the delivery method as words, not the number ${text} (the numbers differ between email and appointments, contacts, and tasks); use one of ${choices.join(', ')}.`,
      );
    }
    const method = methodBySquashedSpelling.get(squash(text));
    if (method === undefined) return fail(notOneOf(text, 'a delivery method', choices, allSpellings));
    const value = values[method];
    if (value === undefined) return fail(`${text} is not a delivery method for ${methodChannelLabel[channel]}; use one of ${choices.join(', ')}.`);
    return value;
  });
}

export const incomingMethodSchema = methodSchema<IncomingEmailDeliveryMethod>('incoming', methodValues.incoming);
export const outgoingMethodSchema = methodSchema<OutgoingEmailDeliveryMethod>('outgoing', methodValues.outgoing);
export const actMethodSchema = methodSchema<ActDeliveryMethod>('act', methodValues.act);

// ── Names and addresses ─────────────────────────────────────────────────────────────────────────

/** A chat argument before interpretation: quoting decides whether `all` is a keyword or a name. */
export const rawItemSchema = z.object({ text: z.string(), quoted: z.boolean() });
export type RawItem = z.input<typeof rawItemSchema>;

/** Lengths of `emailaddress` (100) and `name` (200) on the mailbox table. */
const MAX_EMAIL_LENGTH = 100;
const MAX_MAILBOX_NAME_LENGTH = 200;

const emailFormat = z.email();

/** A mailbox, user or queue, named by email address or by display name. */
export type AddressOrName = { readonly kind: 'email'; readonly address: string } | { readonly kind: 'name'; readonly name: string };
export type MailboxRef = AddressOrName;

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export function checkEmail(typed: string): Checked<string> {
  const text = typed.trim();
  if (text.length > MAX_EMAIL_LENGTH) return { ok: false, problem: `${text.slice(0, 40)}… is longer than ${MAX_EMAIL_LENGTH} characters, the longest email address a mailbox can hold.` };
  const address = text.toLowerCase();
  if (!emailFormat.safeParse(address).success) return { ok: false, problem: `${text} is not a valid email address.` };
  return { ok: true, value: address };
}

/** Anything with an `@` must be a valid address; everything else is a name. */
export function checkAddressOrName(item: RawItem, what: string): Checked<AddressOrName> {
  const text = item.text.trim();
  if (text === '') return { ok: false, problem: item.quoted ? `The quotes are empty; put the ${what}'s name between them.` : `Name the ${what}: an email address, or a name in quotes.` };
  if (text.includes('@')) {
    const email = checkEmail(text);
    return email.ok ? { ok: true, value: { kind: 'email', address: email.value } } : email;
  }
  if (text.length > MAX_MAILBOX_NAME_LENGTH) return { ok: false, problem: `The ${what} name is longer than ${MAX_MAILBOX_NAME_LENGTH} characters.` };
  return { ok: true, value: { kind: 'name', name: text } };
}

export const emailSchema = z.string().transform((typed, ctx): string => {
  if (typed.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'Say the new email address.' });
    return z.NEVER;
  }
  const email = checkEmail(typed);
  if (email.ok) return email.value;
  ctx.addIssue({ code: 'custom', message: email.problem });
  return z.NEVER;
});

export const addressOrNameSchema = (what: string) =>
  rawItemSchema.transform((item, ctx): AddressOrName => {
    const checked = checkAddressOrName(item, what);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: checked.problem });
    return z.NEVER;
  });

const nameSchema = (what: string, example: string, maxLength: number) =>
  z
    .string()
    .trim()
    .min(1, `Name the ${what}, for example ${example}.`)
    .max(maxLength, `That ${what} name is longer than ${maxLength} characters.`);

/** `emailserverprofile.name` is string(100). */
export const profileNameSchema = nameSchema('email server profile', '"Microsoft Exchange Online"', 100);
export const roleNameSchema = nameSchema('security role', '"Sales Manager"', 100);

// ── Mailbox selections ──────────────────────────────────────────────────────────────────────────

/**
 * Keywords that stand for a set of mailboxes: `all` = every active mailbox, `pending` = every
 * mailbox whose email address is Pending Approval. Each command says which it accepts.
 */
export const mailboxKeywords = ['all', 'pending'] as const;
export type MailboxKeyword = (typeof mailboxKeywords)[number];
export const mailboxKeywordMeaning: Readonly<Record<MailboxKeyword, string>> = {
  all: 'every active mailbox',
  pending: 'every mailbox whose email address is Pending Approval',
};

export type MailboxSelection<Keyword extends MailboxKeyword> =
  | { readonly kind: 'keyword'; readonly keyword: Keyword }
  | { readonly kind: 'list'; readonly mailboxes: readonly MailboxRef[] };

/** More than this and a keyword or a profile-wide test is the better tool. */
export const MAX_MAILBOXES_PER_COMMAND = 100;

const isKeyword = (text: string): text is MailboxKeyword => mailboxKeywords.some((keyword) => keyword === text);

export function mailboxSelectionSchema<const Keyword extends MailboxKeyword>(allowed: readonly Keyword[]) {
  const allowedHere = (text: string): text is Keyword => allowed.some((keyword) => keyword === text);
  const listHint = 'an email address, a name in quotes, or a comma list';
  return z.array(rawItemSchema).transform((items, ctx): MailboxSelection<Keyword> => {
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const keywordItems = items.filter((item) => !item.quoted && isKeyword(item.text.trim().toLowerCase()));
    const firstKeyword = keywordItems[0];
    if (firstKeyword !== undefined) {
      const keyword = firstKeyword.text.trim().toLowerCase();
      if (!allowedHere(keyword)) {
        const alternatives = allowed.length === 0 ? '' : `, or use ${allowed.join(' or ')}`;
        return fail(`${keyword} can't be used here; name the mailboxes (${listHint})${alternatives}. To mean a mailbox called ${keyword}, put it in quotes.`);
      }
      if (items.length > 1) return fail(`${keyword} already stands for ${mailboxKeywordMeaning[keyword]}; use it on its own, without other mailboxes.`);
      return { kind: 'keyword', keyword };
    }
    if (items.length === 0) return fail(`Name the mailboxes: ${listHint}${allowed.length === 0 ? '' : `, or ${allowed.join(' or ')}`}.`);
    const mailboxes: MailboxRef[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const checked = checkAddressOrName(item, 'mailbox');
      if (!checked.ok) return fail(checked.problem);
      const key = checked.value.kind === 'email' ? `email:${checked.value.address}` : `name:${checked.value.name.toLowerCase()}`;
      if (!seen.has(key)) mailboxes.push(checked.value);
      seen.add(key);
    }
    if (mailboxes.length > MAX_MAILBOXES_PER_COMMAND) {
      return fail(`That is ${mailboxes.length} mailboxes; one command handles at most ${MAX_MAILBOXES_PER_COMMAND}. Split the list${allowed.length === 0 ? '' : `, or use ${allowed.join(' or ')}`}.`);
    }
    return { kind: 'list', mailboxes };
  });
}

// ── Small vocabularies ──────────────────────────────────────────────────────────────────────────

export const mailboxFilters = ['pending', 'approved', 'rejected', 'failed', 'disabled', 'all'] as const;
export type MailboxFilter = (typeof mailboxFilters)[number];
// Maps, not plain objects: a typed word such as constructor must not find Object.prototype's members.
const filterSynonyms: ReadonlyMap<string, MailboxFilter> = new Map([
  ['pendingapproval', 'pending'],
  ['active', 'all'],
  ['failing', 'failed'],
  ['failure', 'failed'],
]);

export const mailboxFilterSchema = z.string().transform((typed, ctx): MailboxFilter => {
  const key = squash(typed);
  const filter = mailboxFilters.find((candidate) => candidate === key) ?? filterSynonyms.get(key);
  if (filter !== undefined) return filter;
  ctx.addIssue({ code: 'custom', message: notOneOf(typed.trim(), 'a mailbox filter', mailboxFilters) });
  return z.NEVER;
});

/** What people type for each depth; the first spelling is the one help and errors show. */
export const depthSpellings: Readonly<Record<PrivilegeDepth, readonly string[]>> = {
  User: ['user', 'basic'],
  BusinessUnit: ['business unit', 'bu', 'local'],
  ParentChildBusinessUnit: ['parent child', 'parent: child business unit', 'parent child business units', 'deep'],
  Organization: ['organization', 'organisation', 'org', 'global'],
};
const depthBySquashedSpelling = new Map<string, PrivilegeDepth>(
  PrivilegeDepths.flatMap((depth) => depthSpellings[depth].map((spelling) => [squash(spelling), depth] as const)),
);
export const depthChoices: readonly string[] = PrivilegeDepths.map((depth) => depthSpellings[depth][0] ?? depth);

/** "parent: child business unit", "Business Unit level" and "org" all read as depths. */
export const privilegeDepthSchema = z.string().transform((typed, ctx): PrivilegeDepth => {
  const text = typed.trim();
  const depth = depthBySquashedSpelling.get(squash(text).replace(/(level|depth|access)$/, ''));
  if (depth !== undefined) return depth;
  ctx.addIssue({
    code: 'custom',
    message: text === '' ? `Say the depth after at: ${depthChoices.join(', ')}.` : notOneOf(text, 'a privilege depth', depthChoices),
  });
  return z.NEVER;
});

const switchSpellings: ReadonlyMap<string, boolean> = new Map([
  ['on', true],
  ['yes', true],
  ['true', true],
  ['enable', true],
  ['enabled', true],
  ['off', false],
  ['no', false],
  ['false', false],
  ['disable', false],
  ['disabled', false],
]);
export const isSwitchWord = (text: string): boolean => switchSpellings.has(squash(text));

export const switchSchema = z.string().transform((typed, ctx): boolean => {
  const value = switchSpellings.get(squash(typed));
  if (value !== undefined) return value;
  ctx.addIssue({ code: 'custom', message: `${typed.trim()} is not on or off.` });
  return z.NEVER;
});

export const approvalTargets = ['users', 'queues'] as const;
export type ApprovalTarget = (typeof approvalTargets)[number];
export const approvalTargetSchema = z.string().transform((typed, ctx): ApprovalTarget => {
  const key = squash(typed);
  if (key === 'users' || key === 'user') return 'users';
  if (key === 'queues' || key === 'queue') return 'queues';
  ctx.addIssue({ code: 'custom', message: notOneOf(typed.trim(), 'a kind of mailbox owner', approvalTargets) });
  return z.NEVER;
});

/** A whole number in a range, with one message naming the range. */
export const wholeNumberSchema = (what: string, minimum: number, maximum: number) =>
  z.string().transform((typed, ctx): number => {
    const text = typed.trim().replace(/^#/, '');
    const value = /^\d{1,9}$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
    if (value >= minimum && value <= maximum) return value;
    ctx.addIssue({ code: 'custom', message: `${typed.trim()} is not a valid ${what}; give a whole number from ${minimum} to ${maximum}.` });
    return z.NEVER;
  });

/** Job ids are minted by the job runner; we only insist on one short word. */
export const jobIdSchema = z.string().transform((typed, ctx): string => {
  const text = typed.trim().replace(/^#/, '');
  if (/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(text)) return text;
  ctx.addIssue({ code: 'custom', message: `${typed.trim()} is not a job id; a job id is one word of letters, digits, dots, dashes or underscores.` });
  return z.NEVER;
});
