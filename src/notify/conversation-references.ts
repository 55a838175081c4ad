// The registry of conversation references: where the bot can send proactively, kept fresh from every
// inbound activity. Personal chats are found by (tenantId, aadObjectId), every conversation by its id.
//
// Lifecycle (teams.md §2.5, §2.7):
// - any inbound activity upserts its conversation and refreshes serviceUrl ("stable but can change");
// - installationUpdate remove*, or the bot in conversationUpdate.membersRemoved, marks it inactive;
//   teamDeleted / teamHardDeleted marks every channel of that team inactive, channelDeleted that channel;
// - installationUpdate add*, the bot in membersAdded, teamRestored / channelRestored reactivate;
// - any other inbound activity also reactivates: a user who can talk to the bot can be written to again
//   (this is how "ConversationBlockedByUser" ends: the user unblocks and talks to the bot).
// The outbox marks a reference inactive when Teams answers a terminal 403/404 (`deactivate`).
import { z } from 'zod';
import { Mutex } from '../shared/mutex.js';
import { describeIssues } from '../shared/zod-problems.js';
import type { NotifyChanges, NotifyRepository } from '../app/notify-state.js';

// The record schemas live apart so that the repository port can use them without importing this registry.
export {
  conversationReferenceRecordSchema,
  conversationTypeSchema,
  type ConversationReferenceRecord,
  type ConversationType,
  type InboundReferenceResult,
  type InboundReferenceUpdate,
  type ReferenceChange,
} from '../app/conversation-reference-records.js';
import type { ConversationReferenceRecord, ConversationType, InboundReferenceResult, ReferenceChange } from '../app/conversation-reference-records.js';

// Only what the registry reads from an inbound activity; anything else passes through.
const accountSchema = z.looseObject({
  id: z.string().min(1, 'account id must not be empty'),
  aadObjectId: z.string().nullish(),
});
const inboundActivitySchema = z.looseObject({
  type: z.string().min(1, 'activity type must not be empty'),
  action: z.string().nullish(),
  channelId: z.string().min(1, 'channelId must not be empty'),
  serviceUrl: z.url({ protocol: /^https?$/, message: 'serviceUrl must be an http(s) URL' }),
  from: accountSchema.nullish(),
  recipient: accountSchema,
  conversation: z.looseObject({
    id: z.string().min(1, 'conversation id must not be empty'),
    conversationType: z.string().nullish(),
    tenantId: z.string().nullish(),
    isGroup: z.boolean().nullish(),
  }),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string().nullish() }).nullish(),
      team: z.looseObject({ id: z.string().nullish() }).nullish(),
      channel: z.looseObject({ id: z.string().nullish() }).nullish(),
      eventType: z.string().nullish(),
    })
    .nullish(),
  membersAdded: z.array(accountSchema).nullish(),
  membersRemoved: z.array(accountSchema).nullish(),
});
type InboundActivity = z.infer<typeof inboundActivitySchema>;

/**
 * The same shape with the serviceUrl read as plain text, for the check that an everyday activity changes
 * nothing: a serviceUrl equal to the stored one was validated as a URL when it was stored, and any other
 * serviceUrl goes through the full parse. Parsing a URL is most of the cost of the full parse.
 */
const knownActivitySchema = inboundActivitySchema.extend({ serviceUrl: z.string() });
type KnownActivity = z.infer<typeof knownActivitySchema>;

export interface ConversationReferenceRegistryOptions {
  /** Wall clock for timestamps; injectable for tests. */
  readonly now?: () => Date;
}

const normalizeType = (activity: InboundActivity | KnownActivity): ConversationType | { error: string } => {
  const declared = activity.conversation.conversationType;
  if (declared === 'personal' || declared === 'groupChat' || declared === 'channel') return declared;
  if (declared !== undefined && declared !== null && declared !== '') {
    return { error: `conversation.conversationType "${declared}" is not one of personal, groupChat, channel` };
  }
  // Emulator-style activities carry no type: channel data with a channel means a channel, isGroup a group chat.
  if (activity.channelData?.channel?.id) return 'channel';
  return activity.conversation.isGroup === true ? 'groupChat' : 'personal';
};

type Lifecycle = 'deactivate' | 'reactivate' | 'none';

interface LifecycleEffect {
  readonly own: Lifecycle;
  readonly ownReason: string | null;
  /** Applies to all references of a team (teamDeleted/teamRestored) or one channel (channelDeleted/Restored). */
  readonly others?: { readonly match: (record: ConversationReferenceRecord) => boolean; readonly lifecycle: Lifecycle; readonly reason: string | null };
}

function lifecycleOf(activity: InboundActivity): LifecycleEffect {
  const botId = activity.recipient.id;
  if (activity.type === 'installationUpdate') {
    const action = activity.action ?? '';
    if (action.startsWith('remove')) return { own: 'deactivate', ownReason: 'the app was uninstalled from this conversation' };
    return { own: 'reactivate', ownReason: null };
  }
  if (activity.type === 'conversationUpdate') {
    if ((activity.membersRemoved ?? []).some((member) => member.id === botId)) {
      return { own: 'deactivate', ownReason: 'the bot was removed from this conversation' };
    }
    const teamId = activity.channelData?.team?.id;
    const channelId = activity.channelData?.channel?.id;
    switch (activity.channelData?.eventType ?? '') {
      case 'teamDeleted':
      case 'teamHardDeleted':
        if (teamId) {
          return {
            own: 'deactivate',
            ownReason: 'the team was deleted',
            others: { match: (record) => record.teamId === teamId, lifecycle: 'deactivate', reason: 'the team was deleted' },
          };
        }
        return { own: 'deactivate', ownReason: 'the team was deleted' };
      case 'teamRestored':
        if (teamId) {
          return { own: 'reactivate', ownReason: null, others: { match: (record) => record.teamId === teamId, lifecycle: 'reactivate', reason: null } };
        }
        return { own: 'reactivate', ownReason: null };
      case 'channelDeleted':
        // The event arrives in the team's General channel; the deleted channel is named in channelData.
        if (channelId && channelId !== activity.conversation.id) {
          return { own: 'none', ownReason: null, others: { match: (record) => record.conversationId === channelId, lifecycle: 'deactivate', reason: 'the channel was deleted' } };
        }
        return { own: 'none', ownReason: null };
      case 'channelRestored':
        if (channelId && channelId !== activity.conversation.id) {
          return { own: 'none', ownReason: null, others: { match: (record) => record.conversationId === channelId, lifecycle: 'reactivate', reason: null } };
        }
        return { own: 'none', ownReason: null };
      default:
        break;
    }
  }
  return { own: 'reactivate', ownReason: null };
}

const withLifecycle = (
  record: ConversationReferenceRecord,
  lifecycle: Lifecycle,
  reason: string | null,
  at: string,
): ConversationReferenceRecord => {
  if (lifecycle === 'deactivate' && record.active) return { ...record, active: false, inactiveReason: reason, updatedAt: at };
  if (lifecycle === 'reactivate' && !record.active) return { ...record, active: true, inactiveReason: null, updatedAt: at };
  return record;
};

type MaterialFields = Pick<ConversationReferenceRecord, (typeof materialFields)[number]>;

/** The stored fields as this activity shows them. */
function observedFields(inbound: InboundActivity | KnownActivity, conversationType: ConversationType, existing: ConversationReferenceRecord | undefined): MaterialFields {
  const personal = conversationType === 'personal';
  return {
    conversationType,
    channelId: inbound.channelId,
    serviceUrl: inbound.serviceUrl,
    tenantId: inbound.conversation.tenantId || inbound.channelData?.tenant?.id || existing?.tenantId || null,
    botId: inbound.recipient.id,
    // A personal chat's user does not change; keep a known value if this activity lacks it.
    userId: personal ? (inbound.from?.id ?? existing?.userId ?? null) : null,
    aadObjectId: personal ? (inbound.from?.aadObjectId || existing?.aadObjectId || null) : null,
    teamId: conversationType === 'channel' ? (inbound.channelData?.team?.id || existing?.teamId || null) : null,
  };
}

const materialFields = [
  'conversationType',
  'channelId',
  'serviceUrl',
  'tenantId',
  'botId',
  'userId',
  'aadObjectId',
  'teamId',
] as const satisfies readonly (keyof ConversationReferenceRecord)[];

const userKey = (tenantId: string, aadObjectId: string): string => `${tenantId}\u0000${aadObjectId.toLowerCase()}`;

export class ConversationReferenceRegistry {
  private readonly byConversation = new Map<string, ConversationReferenceRecord>();
  private readonly personalByUser = new Map<string, string>();
  private readonly now: () => Date;
  /** Serializes mutations: each one reads the latest committed state, saves, then applies. */
  private readonly mutations = new Mutex();

  private constructor(
    private readonly repository: NotifyRepository,
    records: readonly ConversationReferenceRecord[],
    options: ConversationReferenceRegistryOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    for (const record of records) this.apply(record);
  }

  static async open(repository: NotifyRepository, options: ConversationReferenceRegistryOptions = {}): Promise<ConversationReferenceRegistry> {
    const state = await repository.load();
    return new ConversationReferenceRegistry(repository, state.references, options);
  }

  /** The personal chat of a user, active or not. */
  forUser(tenantId: string, aadObjectId: string): ConversationReferenceRecord | undefined {
    const conversationId = this.personalByUser.get(userKey(tenantId, aadObjectId));
    return conversationId === undefined ? undefined : this.byConversation.get(conversationId);
  }

  forConversation(conversationId: string): ConversationReferenceRecord | undefined {
    return this.byConversation.get(conversationId);
  }

  /** Takes in references another instance saved to the shared store (nothing is written). */
  adopt(records: readonly ConversationReferenceRecord[]): void {
    for (const record of records) this.apply(record);
  }

  all(): readonly ConversationReferenceRecord[] {
    return [...this.byConversation.values()];
  }

  /**
   * Upserts the reference of an inbound activity (any type) and applies lifecycle events.
   * Bad input is refused with a specific message; nothing is written then. Unchanged references are not rewritten.
   */
  recordInbound(activity: unknown): Promise<InboundReferenceResult> {
    // Nearly every activity is a message in a conversation already known as it is: answer that without the
    // full parse and without queueing behind (or reading the clock for) a write that will not happen.
    const unchanged = this.unchangedReference(activity);
    if (unchanged !== undefined) return Promise.resolve({ ok: true, value: { change: 'unchanged', reference: unchanged, alsoChanged: [] } });
    const parsed = inboundActivitySchema.safeParse(activity);
    if (!parsed.success) {
      const problems = describeIssues(parsed.error, { root: '(activity)' });
      return Promise.resolve({ ok: false, error: `Cannot record the conversation reference: ${problems.join('; ')}` });
    }
    const inbound = parsed.data;
    const conversationType = normalizeType(inbound);
    if (typeof conversationType !== 'string') {
      return Promise.resolve({ ok: false, error: `Cannot record the conversation reference: ${conversationType.error}` });
    }
    return this.mutations.runExclusive(async () => {
      const at = this.now().toISOString();
      const existing = this.byConversation.get(inbound.conversation.id);
      const observed = observedFields(inbound, conversationType, existing);
      const effect = lifecycleOf(inbound);

      const refreshed: ConversationReferenceRecord =
        existing === undefined
          ? { conversationId: inbound.conversation.id, ...observed, active: true, inactiveReason: null, firstSeenAt: at, updatedAt: at }
          : materialFields.some((field) => existing[field] !== observed[field])
            ? { ...existing, ...observed, updatedAt: at }
            : existing;
      const own = withLifecycle(refreshed, effect.own, effect.ownReason, at);

      const others = effect.others;
      const alsoChanged =
        others === undefined
          ? []
          : [...this.byConversation.values()]
              .filter((record) => record.conversationId !== own.conversationId && others.match(record))
              .map((record) => withLifecycle(record, others.lifecycle, others.reason, at))
              .filter((record) => record !== this.byConversation.get(record.conversationId));

      const ownChanged = own !== existing;
      if (ownChanged || alsoChanged.length > 0) {
        await this.repository.save({ references: ownChanged ? [own, ...alsoChanged] : alsoChanged });
        for (const record of ownChanged ? [own, ...alsoChanged] : alsoChanged) this.apply(record);
      }

      const change: ReferenceChange =
        existing === undefined
          ? own.active
            ? 'created'
            : 'deactivated'
          : existing.active && !own.active
            ? 'deactivated'
            : !existing.active && own.active
              ? 'reactivated'
              : own === existing
                ? 'unchanged'
                : 'refreshed';
      return { ok: true, value: { change, reference: own, alsoChanged } };
    });
  }

  /**
   * Marks a reference inactive (the outbox calls this on a terminal 403/404), saving `alongWith` in the same
   * write. Returns the updated reference, or undefined when the conversation is unknown (then only
   * `alongWith` is saved).
   */
  deactivate(conversationId: string, reason: string, alongWith: Omit<NotifyChanges, 'references'> = {}): Promise<ConversationReferenceRecord | undefined> {
    return this.mutations.runExclusive(async () => {
      const existing = this.byConversation.get(conversationId);
      const updated = existing === undefined ? undefined : withLifecycle(existing, 'deactivate', reason, this.now().toISOString());
      const references = updated !== undefined && updated !== existing ? [updated] : [];
      if (references.length > 0 || (alongWith.outbox ?? []).length > 0) {
        await this.repository.save({ ...alongWith, references });
      }
      for (const record of references) this.apply(record);
      return updated;
    });
  }

  /**
   * The stored reference when `activity` would leave it exactly as it is: an activity that neither
   * deactivates its conversation nor changes others (see `lifecycleOf`), in an active conversation whose stored fields it repeats,
   * while no other change is queued. Anything else returns undefined and takes the full path.
   */
  private unchangedReference(activity: unknown): ConversationReferenceRecord | undefined {
    if (this.mutations.busy) return undefined;
    const parsed = knownActivitySchema.safeParse(activity);
    if (!parsed.success) return undefined;
    const inbound = parsed.data;
    const existing = this.byConversation.get(inbound.conversation.id);
    if (existing === undefined || !existing.active) return undefined;
    // Reactivating an active reference changes nothing; deactivating it or touching others does.
    const effect = lifecycleOf(inbound);
    if (effect.own === 'deactivate' || effect.others !== undefined) return undefined;
    const conversationType = normalizeType(inbound);
    if (typeof conversationType !== 'string') return undefined;
    const observed = observedFields(inbound, conversationType, existing);
    return materialFields.every((field) => existing[field] === observed[field]) ? existing : undefined;
  }

  private apply(record: ConversationReferenceRecord): void {
    this.byConversation.set(record.conversationId, record);
    if (record.conversationType !== 'personal' || record.tenantId === null || record.aadObjectId === null) return;
    const key = userKey(record.tenantId, record.aadObjectId);
    const current = this.byConversation.get(this.personalByUser.get(key) ?? '');
    // A user has one personal chat with the bot; if several were seen, prefer an active one, then the newest.
    const better =
      current === undefined ||
      current.conversationId === record.conversationId ||
      (record.active && !current.active) ||
      (record.active === current.active && record.updatedAt >= current.updatedAt);
    if (better) this.personalByUser.set(key, record.conversationId);
  }
}
