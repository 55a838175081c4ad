// Teams-shaped activities for the benchmarks (the same shape as test/support/bot-harness.ts builds).
import { z } from 'zod';
import { conversationReferenceRecordSchema, type ConversationReferenceRecord } from '../src/app/conversation-reference-records.js';

export const BOT_ACCOUNT_ID = '28:mailbox-sync-bot';

export interface BenchUser {
  readonly aadObjectId: string;
  readonly fullName: string;
}

/** The channels and alert keys of the fan-out benchmark. */
export const conversationIdOf = (index: number): string => `19:bench-channel-${String(index).padStart(5, '0')}@thread.tacv2`;
export const alertKeyOf = (index: number): string => `bench-alert-${String(index).padStart(5, '0')}`;

/** The fan-out's channels, as if the bot had been added to each. */
export function channelReferences(count: number, serviceUrl: string, tenantId: string): ConversationReferenceRecord[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, index) =>
    conversationReferenceRecordSchema.parse({
      conversationId: conversationIdOf(index),
      conversationType: 'channel',
      channelId: 'msteams',
      serviceUrl,
      tenantId,
      botId: BOT_ACCOUNT_ID,
      userId: null,
      aadObjectId: null,
      teamId: `19:bench-team-${index % 50}@thread.tacv2`,
      active: true,
      inactiveReason: null,
      firstSeenAt: at,
      updatedAt: at,
    }),
  );
}

const KEY_IN_TEXT = /\[(bench-alert-\d+)\]/;
const sentTextSchema = z.looseObject({ text: z.string().optional() });

/** How many times the connector accepted each alert (by the key its text carries): once each when nothing is lost or repeated. */
export function acceptedAlertsByKey(requests: readonly { readonly status: number; readonly body: unknown }[]): Map<string, number> {
  const acceptedPerKey = new Map<string, number>();
  for (const request of requests) {
    if (request.status >= 300) continue;
    const text = sentTextSchema.safeParse(request.body);
    const key = text.success ? KEY_IN_TEXT.exec(text.data.text ?? '')?.[1] : undefined;
    if (key !== undefined) acceptedPerKey.set(key, (acceptedPerKey.get(key) ?? 0) + 1);
  }
  return acceptedPerKey;
}

export const personalChatOf = (user: BenchUser): string => `a:personal-${user.aadObjectId}`;

/** A message from `user` in their personal chat with the bot. */
export function messageActivity(user: BenchUser, text: string, options: { readonly serviceUrl: string; readonly tenantId: string; readonly id: string }): Record<string, unknown> {
  return {
    type: 'message',
    id: options.id,
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    timestamp: '2025-01-31T09:30:00.000Z',
    from: { id: `29:${user.aadObjectId}`, name: user.fullName, aadObjectId: user.aadObjectId },
    recipient: { id: BOT_ACCOUNT_ID, name: 'Mailbox Sync' },
    conversation: { id: personalChatOf(user), conversationType: 'personal', tenantId: options.tenantId },
    channelData: { tenant: { id: options.tenantId } },
    locale: 'en-US',
    text,
  };
}

/** A channel activity that introduces a conversation to the bot (how a conversation reference is born). */
export function channelActivity(conversationId: string, options: { readonly serviceUrl: string; readonly tenantId: string; readonly teamId: string }): Record<string, unknown> {
  return {
    type: 'conversationUpdate',
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    recipient: { id: BOT_ACCOUNT_ID, name: 'Mailbox Sync' },
    conversation: { id: conversationId, conversationType: 'channel', tenantId: options.tenantId, isGroup: true },
    channelData: { tenant: { id: options.tenantId }, team: { id: options.teamId }, channel: { id: conversationId } },
    membersAdded: [{ id: BOT_ACCOUNT_ID }],
  };
}

const activityBodySchema = z.looseObject({
  text: z.string().optional(),
  attachments: z.array(z.looseObject({ content: z.unknown().optional() })).optional(),
});

/** Every string a reader sees in a sent activity (its text and all the text inside its cards). */
export function visibleText(activity: unknown): string {
  const parsed = activityBodySchema.safeParse(activity);
  if (!parsed.success) return '';
  const parts: string[] = parsed.data.text === undefined ? [] : [parsed.data.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && ['text', 'title', 'value', 'altText', 'fallbackText'].includes(key)) parts.push(value);
      else walk(value);
    }
  };
  walk(parsed.data.attachments?.map((attachment) => attachment.content));
  return parts.join('\n');
}
