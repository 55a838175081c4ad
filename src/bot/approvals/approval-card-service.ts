// Approval cards: the bot's side of the approval workflow (src/app/approvals). As the workflow's notifier it
// sends a card to every approver the permission model allows who has a personal chat with the bot, tells the
// requester who was asked and who could not be reached, and updates every copy in place once the request is
// closed (and tells the owner). A click is handed to the `decideApprovalRequest` use case, which checks, decides
// and commits once; the follow-ups come back through the event outbox (`approvalFollowUps`).
//
// Restarts: requests, sent copies and their message ids are persisted; `start()` finishes what was left
// (cards not queued, requester not told, cards not updated). Every proactive message has an idempotency key
// derived from the request, so finishing twice sends nothing twice.
import { APPROVAL_FOLLOW_UPS_CONSUMER, approvalFollowUps, closeRequestsDecidedOutside, type ApprovalNotifier, type ApprovalRequestedEvent } from '../../app/approvals/approval-follow-ups.js';
import {
  awaitsDecision,
  eligibleApprovers,
  latestRejection,
  newestRequest,
  openRequestsFor,
  supersededBy,
  type ApprovalCardCopy,
  type ApprovalRequest,
  type ApprovalRequestRepository,
  type NotAskedApprover,
} from '../../app/approvals/approval-requests.js';
import { decideApprovalRequest, DecisionUnsettledError, settleDecisionsInDoubt } from '../../app/approvals/decide-approval-request.js';
import { StateStoreUnavailableError } from '../../app/ports/state-store.js';
import { stateStoreUnavailableText } from '../views/unavailable.js';
import { readAll } from '../../app/ports.js';
import { withDirectoryRoles } from '../../app/authorization.js';
import type { Mailbox, User } from '../../domain/model.js';
import { explainPlatformRefusal, platformRefusalIn } from '../../app/platform-refusal.js';
import type { ApprovalDecision } from '../../app/email-approval.js';
import { CardVerb, toAdaptiveCardAttachment, type AdaptiveCardJson } from '../../cards/index.js';
import { EmailApprovalStatus } from '../../domain/options.js';
import { canApproveEmail } from '../../domain/permissions.js';
import { outboundAttachmentSchema, OutboxRequestError, type DeadLetterReason, type MessageRequest, type MessageStatus, type OutboundActivity } from '../../app/proactive-messages.js';
import type { Identification } from '../identity.js';
import type { ApprovalCards, CoreServices } from '../services.js';
import type { ApprovalActionHandler, ApprovalCardAction, CardActionAnswer, CardActionRequest } from '../requests.js';
import { ownerNoticeText, requesterReportText } from './approval-messages.js';
import {
  MAX_APPROVAL_CARD_RECIPIENTS,
  approverCard,
  decidedCard,
  mailboxMovedOnCard,
  readOnlyCard,
  supersededCard,
} from './approval-views.js';

export interface ApprovalCardsOptions {
  /** How long the requester's report waits for Teams to confirm the cards before naming those still pending. Default 10 s. */
  readonly reportAfterMs?: number;
}

const DEFAULT_REPORT_AFTER_MS = 10_000;

/** How long a card answer waits for someone else's decision on the same request to settle, and how often it looks. */
const SETTLE_WAIT_MS = 5_000;
const SETTLE_POLL_MS = 20;
/** Between two attempts to settle a decision while the state store does not answer. */
const SETTLE_AGAIN_MS = 2_000;


/** Idempotency keys of everything a request sends: stable, so a restart or a second attempt is a duplicate. */
const keys = {
  card: (requestId: string, approverId: string) => `approval:${requestId}:card:${approverId}`,
  close: (requestId: string, approverId: string) => `approval:${requestId}:close:${approverId}`,
  report: (requestId: string) => `approval:${requestId}:report`,
  owner: (requestId: string) => `approval:${requestId}:owner`,
};

const NOT_INSTALLED = 'has not installed the bot or never talked to it';

/** Why a card did not arrive, in words for the requester; reasons not listed are named as Teams gave them. */
const deadLetterWords: Readonly<Partial<Record<DeadLetterReason, string>>> = {
  NotInstalled: NOT_INSTALLED,
  ReferenceInactive: 'their chat with the bot is no longer active',
  ConversationBlockedByUser: 'they blocked the bot',
  BotNotInConversationRoster: 'the app is not installed for them',
  ForbiddenOperation: 'the app is not installed for them',
  BotDisabledByAdmin: 'a Teams admin disabled the bot',
};

const describeDeadLetter = (deadLetter: MessageStatus['deadLetter']): string =>
  deadLetter === null ? 'delivery failed' : (deadLetterWords[deadLetter.reason] ?? `Teams refused the card (${deadLetter.reason})`);

/** The copy as the outbox last saw it; unchanged while the entry is pending (or unknown to the outbox). */
function withDelivery(copy: ApprovalCardCopy, entry: MessageStatus | undefined): ApprovalCardCopy {
  if (entry?.state === 'sent') return { ...copy, delivery: 'sent', activityId: entry.sentActivityId ?? copy.activityId, failure: null };
  if (entry?.state === 'dead') return { ...copy, delivery: 'failed', failure: describeDeadLetter(entry.deadLetter) };
  return copy;
}

/** The card as an outbox attachment; parsing proves it is plain JSON, as the outbox stores it. */
const cardAttachment = (card: AdaptiveCardJson): NonNullable<OutboundActivity['attachments']> => [outboundAttachmentSchema.parse(toAdaptiveCardAttachment(card))];

const sameCopy = (a: ApprovalCardCopy, b: ApprovalCardCopy): boolean => a.delivery === b.delivery && a.activityId === b.activityId && a.failure === b.failure;

export class ApprovalCardService implements ApprovalCards, ApprovalNotifier {
  readonly handleAction: ApprovalActionHandler;
  readonly #core: CoreServices;
  readonly #repository: ApprovalRequestRepository;
  readonly #reportAfterMs: number;
  readonly #background = new Set<Promise<void>>();
  #serial: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;
  #stopping = false;
  #signalStopped: () => void = () => undefined;
  readonly #stopped = new Promise<void>((resolve) => {
    this.#signalStopped = resolve;
  });

  constructor(core: CoreServices, repository: ApprovalRequestRepository, options: ApprovalCardsOptions = {}) {
    this.#core = core;
    this.#repository = repository;
    this.#reportAfterMs = options.reportAfterMs ?? DEFAULT_REPORT_AFTER_MS;
    this.handleAction = async (action, request) => {
      try {
        return await this.#onAction(action, request);
      } catch (error) {
        if (error instanceof StateStoreUnavailableError) {
          this.#core.logger.warn('approval card action not completed: the state store is unavailable', { verb: action.verb, requestId: action.data.requestId, reason: error.reason });
          if (error instanceof DecisionUnsettledError) this.#settleOnceBack(error);
          return { message: stateStoreUnavailableText({ recordsChanged: error instanceof DecisionUnsettledError && error.applied }) };
        }
        // An invoke must always be answered: Teams retries a failed one and shows "Something went wrong".
        this.#core.logger.error('approval card action failed', { verb: action.verb, requestId: action.data.requestId, error });
        return { message: 'Sorry, something went wrong on my side while handling that card. Look at the mailbox before you try again: the decision may or may not have been recorded.' };
      }
    };
  }

  async start(): Promise<void> {
    const { events, useCases, clock } = this.#core;
    // Decisions a crash left between their two writes are settled before any card is handled.
    await settleDecisionsInDoubt({ records: useCases.records, requests: this.#repository, clock });
    this.#unsubscribe ??= events.subscribe(approvalFollowUps({ requests: this.#repository, records: useCases.records, clock, notifier: this }), APPROVAL_FOLLOW_UPS_CONSUMER);
    for (const request of await this.#repository.all()) this.#resume(request);
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#stopping = true;
    this.#signalStopped();
    await this.#serial;
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  // -------------------------------------------------------------------------------------------------------------
  // The notifier

  /** Opens the request (once per `requestKey`) and queues its cards; the delivery report follows in the background. */
  openRequest(event: ApprovalRequestedEvent, requestKey: string): Promise<void> {
    // Refused, not skipped: the event outbox then keeps the event for the next start.
    if (this.#stopping) return Promise.reject(new Error('The approval cards are stopping; the request is opened on the next start.'));
    return this.#serially(() => this.#openRequest(event, `approval-${requestKey}`));
  }

  decidedOutside(mailboxes: readonly Mailbox[]): void {
    if (this.#stopping) return;
    const deps = { requests: this.#repository, clock: this.#core.clock, notifier: this };
    for (const mailbox of mailboxes) this.#inBackground('close requests decided outside the bot', () => closeRequestsDecidedOutside(deps, mailbox));
  }

  closeOut(requestId: string): void {
    if (this.#stopping) return;
    this.#inBackground('update the cards of a closed request', () => this.#closeOut(requestId));
  }

  /** A restart finishes what the previous run left: unsent cards, the requester's report, closing updates. */
  #resume(request: ApprovalRequest): void {
    if (request.status === 'pending') {
      const unfinished = request.requesterReportedAt === null || request.copies.some((copy) => copy.delivery === 'pending');
      if (unfinished) {
        this.#inBackground('resume an approval request', async () => {
          await this.#serially(() => this.#sendMissingCards(request.id));
          await this.#followDelivery(request.id);
        });
      }
    } else if (request.closedOutAt === null) {
      this.#inBackground('update the cards of a closed request', () => this.#closeOut(request.id));
    }
  }

  async #openRequest(event: ApprovalRequestedEvent, requestId: string): Promise<void> {
    const { useCases, clock, references, logger } = this.#core;
    const { records } = useCases;
    if ((await this.#repository.byId(requestId)) !== undefined) {
      // Handled before (the process stopped before the outbox noted it): finish that request, open no other.
      await this.#sendMissingCards(requestId);
      this.#inBackground('report delivery to the requester', () => this.#followDelivery(requestId));
      return;
    }
    // Fresh: the event may come from another instance, whose write this instance's copy of the records has not seen.
    const mailbox = await records.mailbox(event.mailboxId, { fresh: true });
    if (mailbox === undefined || !awaitsDecision(mailbox)) {
      logger.info('approval requested for a mailbox that is not pending approval or rejected; no cards sent', { mailboxId: event.mailboxId });
      return;
    }
    const directory = await records.directory();
    const tenantId = directory.organization.tenantId;
    const eligible = eligibleApprovers(await this.#withRolesOfReachable(await readAll((page) => records.userPage(page)), tenantId), mailbox, directory);
    const copies: ApprovalCardCopy[] = [];
    const notAsked: NotAskedApprover[] = [];
    for (const { user } of eligible) {
      const reference = references.forUser(tenantId, user.aadObjectId);
      if (reference?.userId === undefined || reference.userId === null) {
        notAsked.push({ approverId: user.id, reason: 'noConversation', detail: NOT_INSTALLED });
      } else if (!reference.active) {
        notAsked.push({ approverId: user.id, reason: 'conversationInactive', detail: `their chat with the bot is inactive: ${reference.inactiveReason ?? 'no reason given'}` });
      } else if (copies.length >= MAX_APPROVAL_CARD_RECIPIENTS) {
        notAsked.push({ approverId: user.id, reason: 'overRecipientLimit', detail: `a card can show Approve and Reject to at most ${MAX_APPROVAL_CARD_RECIPIENTS} people` });
      } else {
        copies.push({
          approverId: user.id,
          teamsUserId: reference.userId,
          conversationId: reference.conversationId,
          idempotencyKey: keys.card(requestId, user.id),
          delivery: 'pending',
          activityId: null,
          failure: null,
        });
      }
    }
    const request: ApprovalRequest = {
      id: requestId,
      mailboxId: mailbox.id,
      mailboxVersion: mailbox.version,
      emailAddress: mailbox.emailAddress,
      reason: event.reason,
      requestedById: event.requestedById,
      requestedAt: clock.now().toISOString(),
      eligibleApproverIds: eligible.map(({ user }) => user.id),
      copies,
      notAsked,
      requesterReportedAt: null,
      status: 'pending',
      decision: null,
      supersededById: null,
      closedOutAt: null,
      previousRejection: null,
    };
    // The request is saved before any card is queued, so a restart knows every key it may have to finish.
    const replaced = await this.#repository.update((current) => {
      const older = openRequestsFor(current, mailbox.id).map((open) => supersededBy(open, requestId));
      const previousRejection = mailbox.emailRouterAccessApproval === EmailApprovalStatus.Rejected ? latestRejection(current, mailbox.id) : null;
      return { upserts: [...older, { ...request, previousRejection }], result: older };
    });
    await this.#sendMissingCards(requestId);
    logger.info('approval cards queued', { requestId, mailboxId: mailbox.id, sentTo: copies.length, notAsked: notAsked.length });
    for (const older of replaced) this.#inBackground('update the cards of a superseded request', () => this.#closeOut(older.id));
    this.#inBackground('report delivery to the requester', () => this.#followDelivery(requestId));
  }

  /**
   * The users with their directory roles as the role directory has them now, for those the bot can reach (only they
   * can get a card; asking Microsoft Graph about every user of a large organization for each request would not do).
   * Others keep the roles the records carry, which is enough to list them among those who could not be asked.
   */
  async #withRolesOfReachable(users: readonly User[], tenantId: string): Promise<readonly User[]> {
    const { roles, references } = this.#core;
    if (roles === undefined) return users;
    return Promise.all(users.map((user) => (user.active && references.forUser(tenantId, user.aadObjectId) !== undefined ? withDirectoryRoles(user, roles) : Promise.resolve(user))));
  }

  /** Queues the card of every copy the outbox has never seen (all of them the first time). */
  async #sendMissingCards(requestId: string): Promise<void> {
    const { useCases, outbox } = this.#core;
    const request = await this.#repository.byId(requestId);
    if (request?.status !== 'pending') return;
    const mailbox = await useCases.records.mailbox(request.mailboxId);
    if (mailbox === undefined) return;
    const directory = await useCases.records.directory();
    const card = approverCard(request, mailbox, directory);
    const requestedBy = directory.userById(request.requestedById)?.aadObjectId;
    const requests: MessageRequest[] = request.copies.flatMap((copy) => {
      const approver = directory.userById(copy.approverId);
      if (outbox.get(copy.idempotencyKey) !== undefined || approver === undefined) return [];
      return [
        {
          idempotencyKey: copy.idempotencyKey,
          target: { kind: 'user', tenantId: directory.organization.tenantId, aadObjectId: approver.aadObjectId },
          activity: { type: 'message', summary: `Approval needed: ${mailbox.emailAddress}`, attachments: cardAttachment(card) },
          requestedBy,
        },
      ];
    });
    // One write for the cards to every approver; an invalid one would be a bug in the card, so it throws.
    for (const result of await outbox.enqueueMany(requests)) {
      if (result.status === 'invalid') throw new OutboxRequestError(result.problems);
    }
  }

  /** Tells the requester once Teams confirmed the cards (or after `reportAfterMs`), then keeps the message ids. */
  async #followDelivery(requestId: string): Promise<void> {
    const request = await this.#repository.byId(requestId);
    if (request === undefined) return;
    const cardKeys = request.copies.map((copy) => copy.idempotencyKey);
    if (request.requesterReportedAt === null) {
      await this.#untilDelivered(cardKeys, this.#reportAfterMs);
      if (this.#stopping) return;
      await this.#recordDelivery(requestId);
      await this.#reportToRequester(requestId);
    }
    await this.#untilDelivered(cardKeys);
    if (this.#stopping) return;
    await this.#recordDelivery(requestId);
  }

  /** Resolves when none of the keys is pending in the outbox, after `timeoutMs` if given, or when stopping. */
  async #untilDelivered(idempotencyKeys: readonly string[], timeoutMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waits: Promise<unknown>[] = [this.#core.outbox.whenSettled(idempotencyKeys), this.#stopped];
    if (timeoutMs !== undefined) waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))));
    try {
      await Promise.race(waits);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Copies the outbox's outcome (sent with its message id, or failed) onto the request. */
  async #recordDelivery(requestId: string): Promise<void> {
    const { outbox } = this.#core;
    await this.#repository.update((current) => {
      const request = current.find((candidate) => candidate.id === requestId);
      if (request === undefined) return { upserts: [], result: undefined };
      const copies = request.copies.map((copy) => withDelivery(copy, outbox.get(copy.idempotencyKey)));
      const changed = copies.some((copy, index) => {
        const before = request.copies[index];
        return before === undefined || !sameCopy(copy, before);
      });
      return { upserts: changed ? [{ ...request, copies }] : [], result: undefined };
    });
  }

  async #reportToRequester(requestId: string): Promise<void> {
    const { useCases, outbox, clock } = this.#core;
    const request = await this.#repository.byId(requestId);
    if (request === undefined || request.requesterReportedAt !== null) return;
    const directory = await useCases.records.directory();
    const requester = directory.userById(request.requestedById);
    if (requester !== undefined) {
      await outbox.enqueue({
        idempotencyKey: keys.report(request.id),
        target: { kind: 'user', tenantId: directory.organization.tenantId, aadObjectId: requester.aadObjectId },
        activity: { type: 'message', textFormat: 'markdown', text: requesterReportText(request, await useCases.records.mailbox(request.mailboxId), directory) },
        requestedBy: requester.aadObjectId,
      });
    }
    const reportedAt = clock.now().toISOString();
    await this.#repository.update((current) => {
      const latest = current.find((candidate) => candidate.id === requestId);
      return { upserts: latest === undefined || latest.requesterReportedAt !== null ? [] : [{ ...latest, requesterReportedAt: reportedAt }], result: undefined };
    });
  }

  /**
   * Updates every card of a closed request in place ("Approved by X at T", or replaced by a newer request) and
   * tells the owner of a decision. Waits for cards still being delivered: their message ids come with delivery.
   */
  async #closeOut(requestId: string): Promise<void> {
    const { useCases, outbox, clock } = this.#core;
    const waiting = await this.#repository.byId(requestId);
    if (waiting === undefined || waiting.status === 'pending' || waiting.closedOutAt !== null) return;
    await this.#untilDelivered(waiting.copies.map((copy) => copy.idempotencyKey));
    if (this.#stopping) return;
    await this.#recordDelivery(requestId);
    const request = (await this.#repository.byId(requestId)) ?? waiting;
    const mailbox = await useCases.records.mailbox(request.mailboxId);
    const directory = await useCases.records.directory();
    for (const copy of request.copies) {
      const activityId = copy.activityId ?? outbox.get(copy.idempotencyKey)?.sentActivityId ?? null;
      if (activityId === null) continue;
      const card = request.status === 'superseded' ? supersededCard(request, mailbox, directory) : decidedCard(request, mailbox, directory, copy.approverId);
      await outbox.enqueue({
        idempotencyKey: keys.close(request.id, copy.approverId),
        target: { kind: 'conversation', conversationId: copy.conversationId },
        activity: { type: 'message', summary: card.fallbackText, attachments: cardAttachment(card) },
        update: { activityId },
      });
    }
    await this.#tellOwner(request);
    const closedOutAt = clock.now().toISOString();
    await this.#repository.update((current) => {
      const latest = current.find((candidate) => candidate.id === requestId);
      return { upserts: latest === undefined || latest.closedOutAt !== null ? [] : [{ ...latest, closedOutAt }], result: undefined };
    });
  }

  /** The owner hears of the decision, unless they made it themselves (self-approval). */
  async #tellOwner(request: ApprovalRequest): Promise<void> {
    const { useCases, outbox } = this.#core;
    const mailbox = await useCases.records.mailbox(request.mailboxId);
    if (request.decision === null || mailbox === undefined) return;
    const directory = await useCases.records.directory();
    const owner = directory.userById(mailbox.ownerId);
    if (owner === undefined || owner.id === request.decision.decidedById) return;
    await outbox.enqueue({
      idempotencyKey: keys.owner(request.id),
      target: { kind: 'user', tenantId: directory.organization.tenantId, aadObjectId: owner.aadObjectId },
      activity: { type: 'message', textFormat: 'markdown', text: ownerNoticeText(request, mailbox, directory) },
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Card actions

  async #onAction(action: ApprovalCardAction, cardRequest: CardActionRequest): Promise<CardActionAnswer> {
    const approval = await this.#repository.byId(action.data.requestId);
    if (approval === undefined) {
      return { message: `This card belongs to an approval request I do not know (${action.data.requestId}); it may come from another installation of the bot. Nothing was changed.` };
    }
    // A refresh only redraws; so does anything Teams sends by itself: only a person's click decides.
    if (action.verb === CardVerb.RefreshApproval || cardRequest.trigger === 'automatic') {
      return { card: await this.#currentCard(approval.id, cardRequest.identification) };
    }
    const decision: ApprovalDecision = action.verb === CardVerb.ApproveEmail ? 'approved' : 'rejected';
    const remark = decision === 'rejected' ? action.data.rejectReason : action.data.approveComment;
    return this.#decide(approval.id, decision, action.data.version, remark, cardRequest);
  }

  /** The card this viewer should see now, whatever the clicked card said. */
  async #currentCard(requestId: string, identification: Identification, notice?: string): Promise<AdaptiveCardJson> {
    const { records } = this.#core.useCases;
    const clicked = await this.#settled(requestId);
    if (clicked === undefined) throw new RangeError(`Approval request ${requestId} vanished`);
    const all = new Map((await this.#repository.all()).map((request) => [request.id, request]));
    const request = newestRequest(clicked, (id) => all.get(id));
    const mailbox = await records.mailbox(request.mailboxId);
    const directory = await records.directory();
    const viewer = identification.ok ? identification.user : undefined;
    switch (request.status) {
      case 'approved':
      case 'rejected':
        return decidedCard(request, mailbox, directory, viewer?.id);
      case 'superseded':
        return supersededCard(request, mailbox, directory);
      case 'pending':
        break;
    }
    if (mailbox === undefined || !awaitsDecision(mailbox)) return mailboxMovedOnCard(request, mailbox, directory);
    if (!identification.ok) return readOnlyCard(request, mailbox, directory, identification.message);
    const permission = canApproveEmail(identification.user, mailbox, directory);
    if (!permission.allowed) return readOnlyCard(request, mailbox, directory, `You cannot approve or reject this address: ${permission.reason} (rule ${permission.rule})`);
    return approverCard(request, mailbox, directory, notice ?? (request.id === clicked.id ? undefined : 'That card was for an earlier request; approval was asked for again since. Nothing was decided: this is the current request.'));
  }

  /**
   * The request once a decision being made on it now (another click, maybe on another instance) has settled, so
   * that a second clicker sees who decided instead of a card still asking. Gives up waiting after a few seconds.
   */
  async #settled(requestId: string): Promise<ApprovalRequest | undefined> {
    let request = await this.#repository.byId(requestId);
    for (let waited = 0; request?.deciding !== undefined && waited < SETTLE_WAIT_MS && !this.#stopping; waited += SETTLE_POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      request = await this.#repository.byId(requestId);
    }
    return request;
  }

  /**
   * One click, decided by the use case (one permission check, one version check, one commit). Identity comes only
   * from the activity; whatever the outcome, the clicker gets the card as it is now, with why nothing was decided.
   */
  async #decide(requestId: string, decision: ApprovalDecision, seenVersion: number, remark: string | undefined, cardRequest: CardActionRequest): Promise<CardActionAnswer> {
    const identification = cardRequest.identification;
    if (!identification.ok) return { card: await this.#currentCard(requestId, identification) };
    const decided = await decideApprovalRequest({ ...this.#core.useCases, requests: this.#repository }, identification.user, {
      requestId,
      decision,
      seenVersion,
      remark,
      via: { kind: 'card', channel: cardRequest.via, conversationId: cardRequest.conversation.id, activityId: cardRequest.replyToId ?? null },
      ...(cardRequest.credential === undefined ? {} : { credential: cardRequest.credential }),
    }).catch((error: unknown) => this.#refusedByPlatform(error, requestId, decision, identification.user));
    if ('refusedByPlatform' in decided) return decided.refusedByPlatform;
    if (!decided.ok) {
      const error = decided.error;
      if (error.problem === 'unknownRequest') return { message: error.message };
      // A refusal shows as the read-only card with its reason; a closed request as its closed card.
      const notice = error.problem === 'stale' || error.problem === 'remarkInvalid' ? error.message : undefined;
      return { card: await this.#currentCard(requestId, identification, notice) };
    }
    this.#core.logger.info('approval decided on a card', { requestId, mailboxId: decided.value.mailbox.id, decision, approverId: identification.user.id });
    return { card: await this.#currentCard(requestId, identification) };
  }

  /** Dynamics 365 refused the approval itself (the approver's Entra role): the read-only card says why, as a refusal does. */
  async #refusedByPlatform(error: unknown, requestId: string, decision: ApprovalDecision, approver: Extract<Identification, { ok: true }>['user']): Promise<{ refusedByPlatform: CardActionAnswer }> {
    const refusal = platformRefusalIn(error);
    if (refusal === null) throw error;
    const { useCases: { records }, adminRoleEligibility, logger } = this.#core;
    const request = await this.#repository.byId(requestId);
    const mailbox = request === undefined ? undefined : await records.mailbox(request.mailboxId);
    const directory = await records.directory();
    const what = decision === 'approved' ? 'Approving' : 'Rejecting';
    const explained = await explainPlatformRefusal(refusal, approver, directory.organization.version, `${what} the email address of ${mailbox?.name ?? 'this mailbox'}`, adminRoleEligibility);
    logger.warn('Dynamics 365 refused an approval made on a card', { requestId, approverId: approver.id, rule: explained.decision?.rule });
    if (request === undefined) return { refusedByPlatform: { message: explained.message } };
    const reason = explained.decision?.reason ?? explained.message;
    return { refusedByPlatform: { card: readOnlyCard(request, mailbox, directory, `You cannot approve or reject this address: ${reason} (rule ${explained.decision?.rule ?? 'platform'})`) } };
  }

  /**
   * A decision begun before the state store went away: settled (with its events, which update the cards) as soon as
   * the store answers again, instead of waiting until it counts as abandoned.
   */
  #settleOnceBack(unsettled: DecisionUnsettledError): void {
    this.#inBackground('settle a decision after the state store came back', async () => {
      while (!this.#stopping) {
        try {
          await this.#repository.settleDecision(unsettled.requestId, unsettled.key, unsettled.applied);
          this.#core.logger.info('settled a decision begun before the state store went away', { requestId: unsettled.requestId, applied: unsettled.applied });
          return;
        } catch (error) {
          if (!(error instanceof StateStoreUnavailableError)) throw error;
        }
        await Promise.race([new Promise((resolve) => setTimeout(resolve, SETTLE_AGAIN_MS).unref()), this.#stopped]);
      }
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Plumbing

  /** Runs `work` after every earlier serialized piece of work has finished (a failure does not block the next). */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(work, work);
    this.#serial = run.catch(() => undefined);
    return run;
  }

  /** Work nobody awaits (event handling, delivery follow-up): tracked so `stop()` can wait, failures logged. */
  #inBackground(what: string, work: () => Promise<unknown>): void {
    const task: Promise<void> = work().then(
      () => undefined,
      (error: unknown) => this.#core.logger.error(`approval cards: could not ${what}`, { error }),
    );
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }
}
