// Facts the use cases record with the change that caused them (`ChangeSet.events`, kept in the event outbox of
// the data file, see event-outbox.ts) and publish once it is committed. Other parts react to them: the Test &
// Enable job runner listens for `testAndEnableRequested`, the approval cards for the approval events.
import { z } from 'zod';

export const approvalRequestReasonSchema = z.enum(['newMailbox', 'emailChanged', 'requested']);
export type ApprovalRequestReason = z.infer<typeof approvalRequestReasonSchema>;
export type TestAndEnableOrigin = 'applyDefaults' | 'command' | 'approval';

export type AppEvent =
  | {
      readonly type: 'approvalRequested';
      readonly mailboxId: string;
      readonly requestedById: string;
      readonly reason: ApprovalRequestReason;
    }
  | {
      readonly type: 'emailAddressDecided';
      readonly mailboxId: string;
      readonly decision: 'approved' | 'rejected';
      readonly decidedById: string;
      /** The reason of a rejection or the comment of an approval, when the decider gave one. */
      readonly remark?: string;
    }
  | {
      readonly type: 'testAndEnableRequested';
      readonly mailboxIds: readonly string[];
      readonly requestedById: string;
      readonly origin: TestAndEnableOrigin;
    };

export type AppEventType = AppEvent['type'];

/**
 * The port use cases publish through, once the commit that recorded the event succeeded. Publishing never fails
 * the use case: its changes are committed, so a subscriber's trouble is the subscriber's to report. With the
 * event outbox, publishing records nothing (the commit did) and only wakes the dispatcher.
 */
export interface AppEvents {
  publish(event: AppEvent): void;
}

/** Where a dispatched event came from: its place in the event outbox, the same on every retry. */
export interface EventDelivery {
  readonly sequence: number;
}

/** A listener that returns a promise is done with the event when it settles (the outbox waits for it). */
export type AppEventListener = (event: AppEvent, delivery?: EventDelivery) => void | Promise<void>;

export interface InProcessEventBus extends AppEvents {
  /**
   * Returns the function that unsubscribes. `consumer` names the listener's position in the event outbox;
   * it must stay the same across restarts.
   */
  subscribe(listener: AppEventListener, consumer?: string): () => void;
}

/**
 * Delivers each event to every subscriber in subscription order. A listener that throws or rejects
 * is reported to `onListenerError` and does not stop the others.
 */
export function createInProcessEventBus(onListenerError: (error: unknown, event: AppEvent) => void): InProcessEventBus {
  const listeners = new Set<AppEventListener>();
  return {
    publish(event) {
      for (const listener of [...listeners]) {
        try {
          const pending = listener(event);
          if (pending instanceof Promise) pending.catch((error: unknown) => onListenerError(error, event));
        } catch (error) {
          onListenerError(error, event);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
