// Fuzz: 10,000+ generated chat texts, card payloads and lifecycle activities from users known and unknown,
// seeded and reproducible (FUZZ_SEED=<seed> npx vitest run test/fuzz). Most go through the same entry the
// HTTP route calls (RunningBot.receiveActivity, after a JSON round trip like the body parser's); a share goes
// over real HTTP. Passes with 0 crashes, 0 answers of 500 or above, 0 ERROR log lines and 0 changes to the
// organization's records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/model.js';
import { startTestBot, type ActivityOptions, type TestBot } from '../support/bot-harness.js';
import { capturingLogger, organizationRecords, type CapturedLog } from '../bot/support/records.js';
import { hostileActivityFields, hostileEnvelope, seededRandom, type Random } from './generators.js';

const TOTAL = 10_000;
const OVER_HTTP = 600;
/** Activities in flight at once: a little concurrency, as Teams delivers, without flooding two cores. */
const IN_FLIGHT = 4;

const seedFromEnvironment = (): number => {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw.trim() === '') return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`FUZZ_SEED must be a whole number from 0 to ${2 ** 32 - 1}, not ${raw}`);
  return seed;
};

const SEED = seedFromEnvironment();
const OTHER_TENANT = '99999999-0000-4000-8000-000000000000';

interface Sender {
  readonly user: User;
  readonly options: ActivityOptions;
}

interface Failure {
  readonly index: number;
  /** With several activities in flight, an ERROR line may belong to any of these. */
  readonly inFlight: readonly number[];
  readonly problem: string;
  readonly input: string;
}

describe(`fuzzing the bot with hostile input (seed ${SEED})`, () => {
  let t: TestBot;
  let log: CapturedLog;
  beforeAll(async () => {
    process.stdout.write(`fuzz seed ${SEED} (reproduce with FUZZ_SEED=${SEED})\n`);
    log = capturingLogger();
    t = await startTestBot({ logger: log });
  });
  afterAll(async () => {
    await t.stop();
  });

  /** Mostly the admin (the widest reach), some ordinary users, and people the organization does not know. */
  function sender(random: Random): Sender {
    const roll = random.next();
    const scope = random.next();
    const where: ActivityOptions =
      scope < 0.75 ? {} : scope < 0.9 ? { conversationType: 'groupChat', conversationId: '19:fuzz-group@thread.v2' } : { conversationType: 'channel', conversationId: '19:fuzz-channel@thread.tacv2' };
    if (roll < 0.7) return { user: t.user('ada'), options: where };
    if (roll < 0.8) return { user: t.user(random.pick(['otto', 'cody', 'pia'])), options: where };
    if (roll < 0.87) return { user: t.user('ada'), options: { ...where, tenantId: OTHER_TENANT, conversationId: 'a:fuzz-foreign' } };
    if (roll < 0.94) return { user: { ...t.user('ada'), aadObjectId: '12345678-0000-4000-8000-000000000000', fullName: 'Stranger' }, options: where };
    return { user: t.user('evan'), options: { ...where, withoutEntraId: true, conversationId: 'a:fuzz-guest' } };
  }

  it(`answers ${TOTAL} generated activities with no crash, no 5xx, no ERROR line and no change`, async () => {
    const random = seededRandom(SEED);
    const bodies = Array.from({ length: TOTAL }, () => {
      const from = sender(random);
      return hostileEnvelope(random, t.activityFrom(from.user, hostileActivityFields(random), from.options));
    });
    // Spread the HTTP share over the run rather than bunching it at one end.
    const overHttp = new Set(Array.from({ length: OVER_HTTP }, (_, i) => Math.floor((i * TOTAL) / OVER_HTTP)));

    const before = organizationRecords(t.bot.services.store);
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    const inFlight = new Set<number>();
    const fail = (index: number, problem: string, body: unknown): void => {
      if (failures.length < 10) failures.push({ index, inFlight: [...inFlight], problem, input: JSON.stringify(body).slice(0, 300) });
    };

    const send = async (index: number): Promise<void> => {
      const body = bodies[index];
      const errorsBefore = log.errors().length;
      inFlight.add(index);
      try {
        const reply = overHttp.has(index)
          ? await t.post(body)
          : // The body parser's round trip: undefined fields vanish, lone surrogates survive as escapes.
            await t.bot.receiveActivity(JSON.parse(JSON.stringify(body)), undefined);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500) fail(index, `answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 200)}`, body);
      } catch (error) {
        fail(index, `crashed: ${String(error)}`, body);
      }
      const newErrors = log.errors().slice(errorsBefore);
      if (newErrors.length > 0) fail(index, `logged ${newErrors.join(' | ').slice(0, 300)}`, body);
      inFlight.delete(index);
    };

    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < TOTAL) {
        const index = nextIndex;
        nextIndex += 1;
        await send(index);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const summary = `seed ${SEED} (FUZZ_SEED=${SEED} reproduces); statuses ${JSON.stringify(Object.fromEntries(statuses))}`;
    process.stdout.write(`fuzz ${summary}\n`);
    expect(failures, summary).toEqual([]);
    expect(log.errors(), summary).toEqual([]);
    expect(organizationRecords(t.bot.services.store) === before, `${summary}: the organization's records changed`).toBe(true);
    expect(Object.getOwnPropertyNames(Object.prototype).filter((name) => !BUILT_IN_PROTOTYPE_NAMES.has(name)), summary).toEqual([]);
    // The run must have reached the bot, not bounced off the edge: most activities are answered 200.
    expect(statuses.get(200) ?? 0, summary).toBeGreaterThan(TOTAL / 2);
  }, 120_000);
});

const BUILT_IN_PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
