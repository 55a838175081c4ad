// How one chat command is registered: its grammar (words, reader, zod schema), help and manifest texts, what
// it writes, who may run it, how it is written back as text and its handler, all in one `defineCommand`.
// The registrations live by area (configuration.ts, mailboxes.ts, jobs.ts, monitoring.ts) and registry.ts
// collects them; the parser, the help card, docs/commands.md, the manifest, the dispatcher and the
// confirmation rules all read them from there.
import type { z } from 'zod';
import type { WriteDescription, WriteKind } from '../../domain/confirmation.js';
import type { HandlerEnvironment } from '../handlers/environment.js';
import type { Rename } from '../views/command-line.js';
import type { ReadOutcome } from './arguments.js';
import type { Token } from './text.js';
import type { MailboxKeyword } from './values.js';

export type { WriteDescription, WriteKind } from '../../domain/confirmation.js';

// The ids, categories and scopes live in ids.ts, a leaf that the handler environment and the views can use.
export { commandCategories, commandIds, conversationScopes, everywhere, type CommandCategory, type CommandId, type ConversationScope } from './ids.js';
import type { CommandCategory, CommandId, ConversationScope } from './ids.js';


export { EXCHANGE_ONLINE_PROFILE_NAME } from '../../domain/exchange-online.js';

export interface CommandExample<Args> {
  /** Exactly what an admin would type. */
  readonly input: string;
  /** What the parser must make of it; the tests hold the registry to this. */
  readonly args: Args;
}

/** A corrected command line to offer instead of what was typed. */
export interface Alternative {
  readonly id: CommandId;
  readonly input: string;
}

export type ArgumentOutcome<Raw> = ReadOutcome<Raw> | { readonly kind: 'didYouMean'; readonly alternatives: readonly Alternative[] };

export type Interpretation<Id extends CommandId, Args> =
  | { readonly kind: 'command'; readonly id: Id; readonly args: Args }
  | { readonly kind: 'problem'; readonly problem: string }
  | { readonly kind: 'didYouMean'; readonly alternatives: readonly Alternative[] };

export interface ManifestEntry {
  /** Scopes whose Teams command menu lists this command (at most 10 per scope). */
  readonly menu: readonly ConversationScope[];
  /** What Teams inserts in the compose box: the command words, so the parser recognises it. */
  readonly title: string;
  readonly description: string;
}

interface CommandSpec<Id extends CommandId, Schema extends z.ZodType> {
  readonly id: Id;
  /** The command words, lower case. */
  readonly name: string;
  readonly aliases: readonly string[];
  readonly category: CommandCategory;
  readonly summary: string;
  readonly usage: string;
  readonly examples: readonly [CommandExample<z.output<Schema>>, ...CommandExample<z.output<Schema>>[]];
  readonly notes?: readonly string[];
  /** Which of `all` / `pending` this command's mailbox selector accepts. */
  readonly mailboxKeywords?: readonly MailboxKeyword[];
  /** Conversation scopes where the command makes sense. */
  readonly scopes: readonly ConversationScope[];
  readonly manifest: ManifestEntry;
  readonly args: Schema;
  readonly readArgs: (tokens: readonly Token[]) => ArgumentOutcome<z.input<Schema>>;
  /**
   * What the command changes, for the confirmation rules (src/domain/confirmation.ts): nothing, one record it
   * names, or several (a list, `all`, `pending`, a profile's mailboxes).
   */
  readonly writes: WriteKind | ((args: z.output<Schema>) => WriteKind);
  /** It may replace settings someone set deliberately; the confirmation card lists what it overwrites. */
  readonly overwrites?: boolean;
  /** Who may run it, in words (the help card's "Who can run it"); the permission model decides for real. */
  readonly whoCanRun: string;
  /** The exact chat line for these arguments; `rename` rewrites every name or address typed in it. */
  toText(args: z.output<Schema>, rename: Rename): string;
  /** Runs the command for the requester of `env` and answers it. */
  handle(args: z.output<Schema>, env: HandlerEnvironment): Promise<void>;
}

export interface CommandDefinition<Id extends CommandId, Schema extends z.ZodType> extends CommandSpec<Id, Schema> {
  readonly notes: readonly string[];
  readonly mailboxKeywords: readonly MailboxKeyword[];
  /** The write these arguments make. */
  describeWrite(args: z.output<Schema>): WriteDescription;
  /** Reads the tokens after the command words and validates them with the schema. */
  interpret(tokens: readonly Token[]): Interpretation<Id, z.output<Schema>>;
}

/** At most three problems, as sentences: enough to fix the command without a wall of text. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return [...new Set(issues.map((issue) => issue.message))].slice(0, 3).join(' ');
}

export function defineCommand<const Id extends CommandId, Schema extends z.ZodType>(spec: CommandSpec<Id, Schema>): CommandDefinition<Id, Schema> {
  return {
    ...spec,
    notes: spec.notes ?? [],
    mailboxKeywords: spec.mailboxKeywords ?? [],
    toText: (args, rename) => spec.toText(args, rename),
    handle: (args, env) => spec.handle(args, env),
    describeWrite: (args) => ({ kind: typeof spec.writes === 'function' ? spec.writes(args) : spec.writes, overwrites: spec.overwrites ?? false }),
    interpret(tokens) {
      const outcome = spec.readArgs(tokens);
      if (outcome.kind !== 'read') return outcome;
      const parsed = spec.args.safeParse(outcome.raw);
      if (!parsed.success) return { kind: 'problem', problem: describeIssues(parsed.error.issues) };
      return { kind: 'command', id: spec.id, args: parsed.data };
    },
  };
}

