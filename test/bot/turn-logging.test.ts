// Every line logged during a turn carries the turn (the activity id, its type and conversation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/shared/logger.js';
import { startTestBot, type TestBot } from '../support/bot-harness.js';
import { faults } from '../support/fake-connector.js';

describe('logging per turn', () => {
  const lines: string[] = [];
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ logger: createLogger('warn', (line) => lines.push(line)) });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('binds the activity to what is logged while handling it', async () => {
    // Teams refuses the reply: the command fails, and that is logged.
    t.connector.failNext(1, faults.botDisabledByAdmin());
    await t.post({ ...t.activityFrom(t.user('ada'), { type: 'message', text: 'whoami' }), id: 'activity-42' });
    const logged = lines.map((line) => z.looseObject({ msg: z.string() }).parse(JSON.parse(line)));
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'command failed', command: 'whoami', turn: 'activity-42', activityType: 'message', conversation: 'a:personal-' + t.user('ada').aadObjectId }));
  });
});
