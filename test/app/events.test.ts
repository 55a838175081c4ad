import { describe, expect, it } from 'vitest';
import { createInProcessEventBus, type AppEvent } from '../../src/app/events.js';

const event: AppEvent = { type: 'testAndEnableRequested', mailboxIds: ['mailbox-ada'], requestedById: 'ada', origin: 'command' };

describe('createInProcessEventBus', () => {
  it('delivers each event to every subscriber until it unsubscribes', () => {
    const bus = createInProcessEventBus(() => undefined);
    const first: AppEvent[] = [];
    const second: AppEvent[] = [];
    const stopFirst = bus.subscribe((received) => void first.push(received));
    bus.subscribe((received) => void second.push(received));
    bus.publish(event);
    stopFirst();
    bus.publish(event);
    expect(first).toEqual([event]);
    expect(second).toEqual([event, event]);
  });

  it('reports a throwing or rejecting subscriber without stopping the others', async () => {
    const problems: string[] = [];
    const bus = createInProcessEventBus((error) => void problems.push(error instanceof Error ? error.message : String(error)));
    const delivered: AppEvent[] = [];
    bus.subscribe(() => {
      throw new Error('card sender down');
    });
    bus.subscribe(() => Promise.reject(new Error('job runner down')));
    bus.subscribe((received) => void delivered.push(received));
    bus.publish(event);
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toEqual([event]);
    expect(problems).toEqual(['card sender down', 'job runner down']);
  });
});
