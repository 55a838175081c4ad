import { describe, expect, it } from 'vitest';
import { CardVerb, parseExecuteAction, parseSubmitAction, type CardActionParseResult } from '../../src/cards/actions.js';
import { MAX_COMMAND_LENGTH } from '../../src/shared/limits.js';

/** The error text of a refused payload; empty when it was accepted, so `toContain` then fails. */
const errorOf = (result: CardActionParseResult): string => (result.ok ? '' : result.error);

describe('parseExecuteAction', () => {
  it('accepts an approve action carrying a request id and a version', () => {
    expect(parseExecuteAction({ type: 'Action.Execute', verb: 'approval.approve', data: { requestId: 'apr-1', version: 3 } })).toEqual({
      ok: true,
      action: { verb: CardVerb.ApproveEmail, data: { requestId: 'apr-1', version: 3 } },
    });
  });

  it('accepts a refresh carrying only the request id', () => {
    expect(parseExecuteAction({ verb: 'approval.refresh', data: { requestId: 'apr-1' } })).toEqual({
      ok: true,
      action: { verb: CardVerb.RefreshApproval, data: { requestId: 'apr-1' } },
    });
  });

  it('accepts a command action and trims the command', () => {
    expect(parseExecuteAction({ verb: 'command', data: { command: '  list mailboxes --page 3 ' } })).toEqual({
      ok: true,
      action: { verb: CardVerb.Command, data: { command: 'list mailboxes --page 3' } },
    });
  });

  it('drops identity a client smuggles into the data, so only the activity says who acted', () => {
    const parsed = parseExecuteAction({ verb: 'approval.reject', data: { requestId: 'apr-1', version: 3, userId: 'ceo', aadObjectId: 'x' } });
    expect(parsed).toEqual({ ok: true, action: { verb: 'approval.reject', data: { requestId: 'apr-1', version: 3 } } });
  });

  it('names the verbs it knows when the verb is unknown', () => {
    expect(errorOf(parseExecuteAction({ verb: 'approval.delete', data: {} }))).toContain(
      'unknown card verb; expected one of approval.approve, approval.reject, approval.refresh, command',
    );
  });

  it('says which field is wrong and why', () => {
    const error = errorOf(parseExecuteAction({ verb: 'approval.approve', data: { requestId: '', version: '3' } }));
    expect(error).toContain('requestId must not be empty');
    expect(error).toContain('version must be a number');
    expect(error).toContain('data.version');
  });

  it('refuses a negative or fractional version', () => {
    expect(errorOf(parseExecuteAction({ verb: 'approval.approve', data: { requestId: 'a', version: -1 } }))).toContain('version must not be negative');
    expect(errorOf(parseExecuteAction({ verb: 'approval.approve', data: { requestId: 'a', version: 1.5 } }))).toContain('version must be a whole number');
  });

  it('refuses an empty command and one longer than a person would type', () => {
    expect(errorOf(parseExecuteAction({ verb: 'command', data: { command: '   ' } }))).toContain('command must not be empty');
    expect(errorOf(parseExecuteAction({ verb: 'command', data: { command: 'x'.repeat(MAX_COMMAND_LENGTH + 1) } }))).toContain(`command must be at most ${MAX_COMMAND_LENGTH} characters`);
    expect(parseExecuteAction({ verb: 'command', data: { command: 'x'.repeat(MAX_COMMAND_LENGTH) } })).toMatchObject({ ok: true });
  });

  it('refuses a payload that is not an object', () => {
    expect(parseExecuteAction('approval.approve').ok).toBe(false);
    expect(parseExecuteAction(null).ok).toBe(false);
  });
});

describe('parseSubmitAction', () => {
  it('turns an Action.Submit fallback payload into the same action as the invoke', () => {
    expect(parseSubmitAction({ verb: 'approval.approve', requestId: 'apr-1', version: 3 })).toEqual(
      parseExecuteAction({ verb: 'approval.approve', data: { requestId: 'apr-1', version: 3 } }),
    );
    expect(parseSubmitAction({ verb: 'command', command: 'help' })).toEqual({ ok: true, action: { verb: 'command', data: { command: 'help' } } });
    expect(parseSubmitAction({ verb: 'approval.refresh', requestId: 'apr-1' })).toEqual({ ok: true, action: { verb: 'approval.refresh', data: { requestId: 'apr-1' } } });
  });

  it('refuses a submit payload without a verb, naming the verbs it knows', () => {
    expect(errorOf(parseSubmitAction({ requestId: 'apr-1', version: 3 }))).toContain('unknown card verb; expected one of');
  });
});
