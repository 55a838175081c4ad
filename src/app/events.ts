// Facts the use cases publish after a successful commit. Other parts react to them: the Test & Enable
// job runner listens for `testAndEnableRequested`, the approval-card sender for the approval events.
export type ApprovalRequestReason = 'newMailbox' | 'emailChanged' | 'requested';
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
    }
  | {
      readonly type: 'testAndEnableRequested';
      readonly mailboxIds: readonly string[];
      readonly requestedById: string;
      readonly origin: TestAndEnableOrigin;
    };

export type AppEventType = AppEvent['type'];

/**
 * The port use cases publish through. Publishing never fails the use case: by the time an event is
 * published its changes are committed, so a subscriber's trouble is the subscriber's to report.
 */
export interface AppEvents {
  publish(event: AppEvent): void;
}

export type AppEventListener = (event: AppEvent) => void | Promise<void>;

export interface InProcessEventBus extends AppEvents {
  /** Returns the function that unsubscribes. */
  subscribe(listener: AppEventListener): () => void;
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
