import { describe, expect, it } from 'vitest';
import {
  cleanMessage,
  dropTrailingPunctuation,
  MAX_MESSAGE_LENGTH,
  nearestChoice,
  removeControlCharacters,
  renderTokens,
  stripMarkup,
  tokenize,
} from '../../../src/bot/commands/text.js';
import { MAX_COMMAND_LENGTH } from '../../../src/shared/limits.js';

const cleaned = (message: string): string => {
  const result = cleanMessage(message);
  if (result.kind !== 'text') throw new Error(`expected text, got ${result.kind}`);
  return result.text;
};

describe('stripMarkup', () => {
  it('drops the leading bot mention and keeps later mentions as text', () => {
    expect(stripMarkup('<at>Mailbox Bot</at> change email <at>Alice Smith</at> to a@b.com')).toBe(' change email Alice Smith to a@b.com');
  });

  it('treats a mention after paragraph tags and non-breaking spaces as leading', () => {
    expect(stripMarkup('<p>&nbsp;<at>Mailbox Bot</at>&nbsp;help</p>').trim()).toBe('help');
  });

  it('keeps a mention that comes after other text, because it is not addressed to the bot', () => {
    expect(stripMarkup('help <at>Mailbox Bot</at>')).toBe('help Mailbox Bot');
  });

  it('keeps the text of a mention that is never closed', () => {
    expect(stripMarkup('<at>Mailbox Bot help')).toBe('Mailbox Bot help');
  });

  it('decodes named and numeric entities and leaves a lone ampersand alone', () => {
    expect(stripMarkup('a &amp; b &lt;x&gt; &quot;q&quot; &#39;s&#x27; & c')).toBe('a & b <x> "q" \'s\' & c');
  });

  it('keeps angle brackets that do not form a tag', () => {
    expect(stripMarkup('1 < 2 and 3 > 2')).toBe('1 < 2 and 3 > 2');
  });
});

describe('removeControlCharacters', () => {
  it('turns control characters into spaces and removes invisible ones and lone surrogates', () => {
    expect(removeControlCharacters('a\u0000b\u200bc\ud800d\ufffde\u0085f😀')).toBe('a bcde f😀');
  });
});

describe('cleanMessage', () => {
  it('collapses whitespace of every kind and trims', () => {
    expect(cleaned('  approve\t\tmailbox \u00a0\n alice@contoso.com  ')).toBe('approve mailbox alice@contoso.com');
  });

  it('removes trailing punctuation but not a closing quote', () => {
    expect(cleaned('approve mailbox alice@contoso.com!?.')).toBe('approve mailbox alice@contoso.com');
    expect(cleaned('mailbox "Acme Inc."')).toBe('mailbox "Acme Inc."');
  });

  it('folds full-width letters to ASCII and drops a leading slash', () => {
    expect(cleaned('/ＨＥＬＰ')).toBe('HELP');
  });

  it('refuses messages longer than the command limit instead of cutting them', () => {
    expect(cleanMessage('a'.repeat(MAX_COMMAND_LENGTH + 1))).toEqual({ kind: 'tooLong', length: MAX_COMMAND_LENGTH + 1 });
    expect(cleanMessage('x'.repeat(MAX_MESSAGE_LENGTH + 1)).kind).toBe('tooLong');
  });

  it('measures the limit after markup is gone, so an HTML-heavy short command passes', () => {
    const padded = `${'<p></p>'.repeat(MAX_COMMAND_LENGTH)}help`;
    expect(cleanMessage(padded)).toEqual({ kind: 'text', text: 'help' });
  });
});

describe('dropTrailingPunctuation', () => {
  it('stops at the first character that is not punctuation', () => {
    expect(dropTrailingPunctuation('done.!…')).toBe('done');
    expect(dropTrailingPunctuation('...')).toBe('');
  });
});

describe('tokenize', () => {
  it('separates words, quoted names, commas, semicolons and equals signs', () => {
    expect(tokenize('edit "Sales Inbox", a@b.com; c profile=x').tokens).toEqual([
      { kind: 'word', text: 'edit' },
      { kind: 'quoted', text: 'Sales Inbox' },
      { kind: 'comma' },
      { kind: 'word', text: 'a@b.com' },
      { kind: 'comma' },
      { kind: 'word', text: 'c' },
      { kind: 'word', text: 'profile' },
      { kind: 'equals' },
      { kind: 'word', text: 'x' },
    ]);
  });

  it('accepts curly and mixed quotes', () => {
    expect(tokenize('“Sales Inbox” ”Support„').tokens).toEqual([
      { kind: 'quoted', text: 'Sales Inbox' },
      { kind: 'quoted', text: 'Support' },
    ]);
  });

  it('reports a quote that is never closed, with the text that follows it', () => {
    expect(tokenize('mailbox "Sales Inbox')).toEqual({ tokens: [{ kind: 'word', text: 'mailbox' }], unclosedQuote: 'Sales Inbox' });
  });

  it('renders tokens back to text that tokenizes the same way', () => {
    const text = 'edit a@b.com, "Sales Inbox" profile="Microsoft Exchange Online" act=none';
    const { tokens } = tokenize(text);
    expect(tokenize(renderTokens(tokens)).tokens).toEqual(tokens);
  });
});

describe('nearestChoice', () => {
  it('finds a close choice and ignores far ones', () => {
    expect(nearestChoice('pendng', ['pending', 'approved'])).toBe('pending');
    expect(nearestChoice('banana', ['pending', 'approved'])).toBeUndefined();
  });
});
