import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, withLogBindings, type LogLevel } from '../../src/shared/logger.js';

const lineSchema = z.looseObject({ level: z.string(), time: z.iso.datetime({ offset: true }), msg: z.string() });

function capture(level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line));
  const parsed = () => lines.map((line) => lineSchema.parse(JSON.parse(line)));
  return { logger, lines, parsed };
}

const APP_PASSWORD = 'app-password-Zx9~not-for-logs';
const CLIENT_SECRET = 'client-secret-Qq8~not-for-logs';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJlLWJ5dGVz';

describe('logger', () => {
  it('writes one JSON line per call, with level, ISO time, message and fields', () => {
    const { logger, lines, parsed } = capture('info');
    logger.info('approval cards queued', { requestId: 'req-1', sentTo: 2 });
    expect(lines).toHaveLength(1);
    expect(parsed()[0]).toMatchObject({ level: 'info', msg: 'approval cards queued', requestId: 'req-1', sentTo: 2 });
  });

  it('keeps secrets out of the output wherever they are passed', () => {
    const { logger, lines } = capture('debug');
    const failure = Object.assign(new Error(`token refresh failed for Authorization: Bearer ${JWT}`), {
      config: { headers: { Authorization: `Bearer ${JWT}`, 'x-request-id': 'r-7' } },
    });
    logger.error('turn failed', {
      MicrosoftAppPassword: APP_PASSWORD,
      app: { appId: 'app-1', clientSecret: CLIENT_SECRET },
      request: { headers: { authorization: `Bearer ${JWT}` } },
      accessToken: JWT,
      note: `forwarded ${JWT}`,
      error: failure,
    });
    logger.child({ clientSecret: CLIENT_SECRET }).warn(`retrying with Bearer ${JWT}`);
    withLogBindings({ MicrosoftAppPassword: APP_PASSWORD }, () => logger.info('in a turn'));
    const output = lines.join('\n');
    expect(lines).toHaveLength(3);
    for (const secret of [APP_PASSWORD, CLIENT_SECRET, JWT]) expect(output).not.toContain(secret);
    // What is not secret stays readable.
    const [first] = lines.map((line) => z.looseObject({ app: z.looseObject({ appId: z.string() }), error: z.looseObject({ type: z.string(), message: z.string(), config: z.unknown() }) }).safeParse(JSON.parse(line)));
    expect(first?.data?.app.appId).toBe('app-1');
    expect(first?.data?.error).toMatchObject({ type: 'Error', message: 'token refresh failed for Authorization: Bearer [redacted]', config: { headers: { Authorization: '[redacted]', 'x-request-id': 'r-7' } } });
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ] as const)('at LOG_LEVEL=%s writes only %j', (level, expected) => {
    const { logger, parsed } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((line) => line.level)).toEqual(expected);
  });

  it('child loggers carry their bindings, nested, and the parent does not', () => {
    const { logger, parsed } = capture('info');
    const job = logger.child({ job: 'job-7' });
    job.child({ mailboxId: 'mbx-1' }).warn('retrying');
    job.info('done', { results: 3 });
    logger.info('unrelated');
    const [nested, jobLine, plain] = parsed();
    expect(nested).toMatchObject({ job: 'job-7', mailboxId: 'mbx-1', msg: 'retrying' });
    expect(jobLine).toMatchObject({ job: 'job-7', results: 3 });
    expect(plain).not.toHaveProperty('job');
  });

  it('lines written during withLogBindings carry its bindings across awaits, and only those lines', async () => {
    const { logger, parsed } = capture('info');
    await withLogBindings({ turn: 'activity-1', conversation: 'conv-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside');
      await withLogBindings({ job: 'job-2' }, () => Promise.resolve(logger.child({ step: 'deliver' }).info('nested')));
    });
    logger.info('outside');
    const [inside, nested, outside] = parsed();
    expect(inside).toMatchObject({ turn: 'activity-1', conversation: 'conv-1', msg: 'inside' });
    expect(nested).toMatchObject({ turn: 'activity-1', job: 'job-2', step: 'deliver' });
    expect(outside).not.toHaveProperty('turn');
  });
});
