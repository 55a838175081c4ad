// The argument grammar the command definitions share: structural readers (which words form which
// argument) and the zod shapes they feed. Each command's own registration (configuration.ts, mailboxes.ts,
// jobs.ts, monitoring.ts) picks from these.
import { z } from 'zod';
import {
  isWord,
  mapRead,
  problem,
  read,
  readMailboxItems,
  readSingleItem,
  readText,
  splitAtLastWord,
  withoutLeading,
  wordOf,
  type ReadOutcome,
} from './arguments.js';
import { EXCHANGE_ONLINE_PROFILE_NAME, type ArgumentOutcome } from './define.js';
import { nearestChoice, renderTokens, shorten, type Token } from './text.js';
import {
  checkAddressOrName,
  checkEmail,
  isSwitchWord,
  mailboxFilters,
  profileNameSchema,
  rawItemSchema,
  type MailboxRef,
  type RawItem,
} from './values.js';

// ── Shared argument shapes ──────────────────────────────────────────────────────────────────────

export const noArgumentsSchema = z.object({});

export const readMethod = (tokens: readonly Token[]): ReadOutcome<{ method: string }> =>
  mapRead(readText(withoutLeading(tokens, 'to'), 'delivery method'), (method) => ({ method: method ?? '' }));

export const readProfile = (tokens: readonly Token[]): ReadOutcome<{ profile: string }> =>
  mapRead(readText(tokens, 'profile name'), (profile) => ({ profile: profile ?? '' }));

export const readOneMailbox =
  (commandName: string) =>
  (tokens: readonly Token[]): ReadOutcome<{ mailbox: RawItem }> =>
    mapRead(readSingleItem(tokens, 'mailbox', commandName), (mailbox) => ({ mailbox }));

export const readMailboxes = (tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[] }> => mapRead(readMailboxItems(tokens), (mailboxes) => ({ mailboxes }));

/** `<mailboxes> because <reason>`: the reason is free text after the first `because` (commas and all). */
export function readRejection(tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[]; reason?: string }> {
  const at = tokens.findIndex((token) => isWord(token, 'because'));
  if (at === -1) return readMailboxes(tokens);
  const reason = renderTokens(tokens.slice(at + 1));
  return mapRead(readMailboxItems(tokens.slice(0, at)), (mailboxes) => ({ mailboxes, reason }));
}

export const email = (address: string): MailboxRef => ({ kind: 'email', address });
export const named = (name: string): MailboxRef => ({ kind: 'name', name });

export const SELECTOR_NOTE =
  'Mailboxes: an email address, a name (in quotes if it has spaces), or a comma list such as alice@contoso.com, "Sales Inbox", bob@contoso.com.';
export const METHOD_NOTE = 'Methods: server-side sync (or sss), outlook, none, and forward for incoming email only; any letter case.';

// ── edit mailboxes: key=value pairs ─────────────────────────────────────────────────────────────

export type EditableSetting = 'profile' | 'incoming' | 'outgoing' | 'act';
export const editableSettingNames: Readonly<Record<string, EditableSetting>> = {
  profile: 'profile',
  incoming: 'incoming',
  outgoing: 'outgoing',
  act: 'act',
  acts: 'act',
  appointments: 'act',
};
export const EDIT_PAIRS_HINT = 'profile=<profile>, incoming=<method>, outgoing=<method>, act=<method>';

export function readEditMailboxes(tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[]; changes: Partial<Record<EditableSetting, string>> }> {
  const isKeyAt = (index: number): boolean => tokens[index]?.kind === 'word' && tokens[index + 1]?.kind === 'equals';
  const firstKey = tokens.findIndex((_, index) => isKeyAt(index));
  const hasEquals = (part: readonly Token[]): boolean => part.some((token) => token.kind === 'equals');
  if (firstKey === -1) {
    return problem(hasEquals(tokens) ? `Put a setting name before each = sign: ${EDIT_PAIRS_HINT}.` : `Say what to change as setting=value pairs: ${EDIT_PAIRS_HINT}.`);
  }
  if (hasEquals(tokens.slice(0, firstKey))) return problem(`Put a setting name before each = sign: ${EDIT_PAIRS_HINT}.`);
  const mailboxes = readMailboxItems(tokens.slice(0, firstKey));
  if (mailboxes.kind === 'problem') return mailboxes;
  const changes: Partial<Record<EditableSetting, string>> = {};
  let index = firstKey;
  while (index < tokens.length) {
    const key = wordOf(tokens[index]) ?? '';
    // hasOwn: a key such as constructor= must not find Object.prototype's members.
    const setting = Object.hasOwn(editableSettingNames, key) ? editableSettingNames[key] : undefined;
    if (setting === undefined) {
      const nearest = nearestChoice(key, Object.keys(editableSettingNames));
      return problem(`${key} is not a setting edit mailboxes can change; use profile, incoming, outgoing or act.${nearest === undefined ? '' : ` Did you mean ${nearest}?`}`);
    }
    if (changes[setting] !== undefined) return problem(`${setting} is given twice; give each setting once.`);
    let end = index + 2;
    while (end < tokens.length && !isKeyAt(end)) {
      if (tokens[end]?.kind === 'equals') return problem(`Put a setting name before each = sign: ${EDIT_PAIRS_HINT}.`);
      end += 1;
    }
    const value = readText(tokens.slice(index + 2, end), `${setting} value`);
    if (value.kind === 'problem') return value;
    if (value.raw === undefined) return problem(`${key}= needs a value, for example ${setting === 'profile' ? `profile="${EXCHANGE_ONLINE_PROFILE_NAME}"` : `${key}=sss`}.`);
    changes[setting] = value.raw;
    index = end;
  }
  return read({ mailboxes: mailboxes.raw, changes });
}

// ── mailboxes: [filter] [profile <profile>] [page <n>] ──────────────────────────────────────────

export function readMailboxesListing(tokens: readonly Token[]): ReadOutcome<{ filter?: string; profile?: string; page?: string }> {
  const filterWords: string[] = [];
  let profile: string | undefined;
  let page: string | undefined;
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (isWord(token, 'for') && isWord(tokens[index + 1], 'profile')) {
      index += 1;
    } else if (isWord(token, 'profile')) {
      if (profile !== undefined) return problem('Give profile once.');
      let end = index + 1;
      while (end < tokens.length && !isWord(tokens[end], 'page')) end += 1;
      const name = readText(tokens.slice(index + 1, end), 'profile name');
      if (name.kind === 'problem') return name;
      profile = name.raw ?? '';
      index = end;
    } else if (isWord(token, 'page')) {
      const next = tokens[index + 1];
      if (next === undefined || (next.kind !== 'word' && next.kind !== 'quoted')) return problem('Say which page after page, for example page 2.');
      if (page !== undefined) return problem('Give page once.');
      page = next.text;
      index += 2;
    } else if (token?.kind === 'word' && profile === undefined && page === undefined) {
      filterWords.push(token.text);
      index += 1;
    } else {
      return problem(`mailboxes doesn't understand ${shorten(renderTokens(tokens.slice(index)))}; put the filter first, then profile <profile>, then page <n>.`);
    }
  }
  return read({ filter: filterWords.length === 0 ? undefined : filterWords.join(' '), profile, page });
}

// ── alerts ──────────────────────────────────────────────────────────────────────────────────────

export type AlertsTarget =
  | { readonly kind: 'mailbox'; readonly mailbox: MailboxRef }
  | { readonly kind: 'profile'; readonly profile: string }
  /** A bare name: looked up as a mailbox first, then as a profile. */
  | { readonly kind: 'mailboxOrProfile'; readonly name: string };

export const alertsTargetSchema = z.object({ scope: z.enum(['mailbox', 'profile', 'any']), item: rawItemSchema }).transform((raw, ctx): AlertsTarget => {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (raw.scope === 'profile') {
    const profile = profileNameSchema.safeParse(raw.item.text);
    return profile.success ? { kind: 'profile', profile: profile.data } : fail(profile.error.issues[0]?.message ?? 'Name the profile.');
  }
  if (raw.scope === 'any' && raw.item.text.trim() === '') return fail('Say whose alerts to show: a mailbox (email address or name) or profile <profile>.');
  const checked = checkAddressOrName(raw.item, 'mailbox');
  if (!checked.ok) return fail(checked.problem);
  if (raw.scope === 'any' && checked.value.kind === 'name') return { kind: 'mailboxOrProfile', name: checked.value.name };
  return { kind: 'mailbox', mailbox: checked.value };
});

export function readAlerts(tokens: readonly Token[]): ReadOutcome<{ target: { scope: 'mailbox' | 'profile' | 'any'; item: RawItem } }> {
  const rest = withoutLeading(tokens, 'for');
  const scope = isWord(rest[0], 'mailbox') ? 'mailbox' : isWord(rest[0], 'profile') ? 'profile' : 'any';
  const item = readSingleItem(scope === 'any' ? rest : rest.slice(1), scope === 'profile' ? 'profile' : 'mailbox', 'alerts');
  return mapRead(item, (raw) => ({ target: { scope, item: raw } }));
}

// ── mailbox: a lone filter word was probably meant for `mailboxes` ──────────────────────────────

export function readMailboxDetail(tokens: readonly Token[]): ArgumentOutcome<{ mailbox: RawItem }> {
  const outcome = readOneMailbox('mailbox')(tokens);
  if (outcome.kind === 'problem') return outcome;
  const { text, quoted } = outcome.raw.mailbox;
  if (quoted || /[\s@]/.test(text)) return outcome;
  const lower = text.toLowerCase();
  // Short filters (`all`) must match exactly: a mailbox called "Ali" is plausible.
  const filter = mailboxFilters.find((candidate) => candidate === lower) ?? nearestChoice(lower, mailboxFilters.filter((candidate) => candidate.length >= 5));
  if (filter === undefined) return outcome;
  return {
    kind: 'didYouMean',
    alternatives: [
      { id: 'mailboxes', input: `mailboxes ${filter}` },
      { id: 'mailbox', input: `mailbox "${text}"` },
    ],
  };
}

// ── approval required [users|queues on|off] ─────────────────────────────────────────────────────

export function readApprovalRequired(tokens: readonly Token[]): ReadOutcome<{ change?: { appliesTo: string; required: string } }> {
  const words = tokens.filter((token) => !isWord(token, 'for'));
  if (words.length === 0) return read({ change: undefined });
  if (words.some((token) => token.kind !== 'word')) return problem('Say users or queues, then on or off, for example approval required users off.');
  const [first, second] = words.map((token) => wordOf(token) ?? '');
  if (words.length === 1 && first !== undefined) {
    return isSwitchWord(first)
      ? problem(`Say whether users or queues: approval required users ${first} or approval required queues ${first}.`)
      : problem(`Say on or off after ${first}, for example approval required ${first} on.`);
  }
  if (words.length > 2 || first === undefined || second === undefined) {
    return problem(`approval required takes users or queues, then on or off; ${shorten(renderTokens(tokens))} is more than that.`);
  }
  return isSwitchWord(first) && !isSwitchWord(second)
    ? read({ change: { appliesTo: second, required: first } })
    : read({ change: { appliesTo: first, required: second } });
}

// ── change email <user or queue> to <new address> ───────────────────────────────────────────────

export function readChangeEmail(tokens: readonly Token[]): ReadOutcome<{ target: RawItem; newAddress: string }> {
  const split = splitAtLastWord(tokens, 'to');
  if (split === undefined) {
    const [current, next] = tokens;
    // Two bare addresses are unambiguous even without `to`.
    if (tokens.length === 2 && current?.kind === 'word' && next?.kind === 'word' && checkEmail(current.text).ok && next.text.includes('@')) {
      return read({ target: { text: current.text, quoted: false }, newAddress: next.text });
    }
    return problem('Say the new address after to: change email <user or queue> to <new address>.');
  }
  const target = readSingleItem(split.before, 'user or queue', 'change email');
  if (target.kind === 'problem') return target;
  const newAddress = readText(split.after, 'new address');
  if (newAddress.kind === 'problem') return newAddress;
  return read({ target: target.raw, newAddress: newAddress.raw ?? '' });
}

// ── sync from this org only <mailbox> on|off ────────────────────────────────────────────────────

export function readSyncFromThisOrgOnly(tokens: readonly Token[]): ReadOutcome<{ mailbox: RawItem; enabled: string }> {
  const last = tokens[tokens.length - 1];
  if (last?.kind !== 'word' || !isSwitchWord(last.text)) {
    return problem('End with on or off: sync from this org only <mailbox> on.');
  }
  return mapRead(readSingleItem(tokens.slice(0, -1), 'mailbox', 'sync from this org only'), (mailbox) => ({ mailbox, enabled: last.text }));
}

// ── grant approve privilege to role <role> at <depth> ───────────────────────────────────────────

export function readGrant(tokens: readonly Token[]): ReadOutcome<{ role: string; depth: string }> {
  const split = splitAtLastWord(tokens, 'at');
  if (split === undefined) return problem('Say the depth after at: grant approve privilege to role <role> at user, business unit, parent child or organization.');
  const role = readText(split.before, 'role name');
  if (role.kind === 'problem') return role;
  const depth = readText(split.after, 'depth');
  if (depth.kind === 'problem') return depth;
  return read({ role: role.raw ?? '', depth: depth.raw ?? '' });
}

// ── apply default settings to <mailboxes> [without test] ───────────────────────────────────────

export function readApplyDefaults(tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[]; test: boolean }> {
  const count = tokens.length;
  const withoutTest = isWord(tokens[count - 2], 'without', 'no') && isWord(tokens[count - 1], 'test', 'testing', 'tests');
  return mapRead(readMailboxItems(withoutTest ? tokens.slice(0, -2) : tokens), (mailboxes) => ({ mailboxes, test: !withoutTest }));
}


export const profileRequired = z.object({ profile: profileNameSchema });
