import { describe, expect, it } from 'vitest';
import { clip, countOf, escapeMarkdown, escapeMarkdownLine, formatCount, formatUtc, rangeText } from '../../src/cards/format.js';

describe('escapeMarkdown', () => {
  it('neutralises emphasis, links and HTML-like tags', () => {
    expect(escapeMarkdown('**Urgent** [click](https://evil.example) <at>Bot</at> _x_ ~y~ `z`')).toBe(
      '\\*\\*Urgent\\*\\* \\[click\\](https://evil.example) \\<at\\>Bot\\</at\\> \\_x\\_ \\~y\\~ \\`z\\`',
    );
  });

  it('neutralises headings, quotes and list markers at the start of a line', () => {
    expect(escapeMarkdown('# Title\n- item\n+ item\n1. first\n2) second\n> quote')).toBe('\\# Title\n\\- item\n\\+ item\n1\\. first\n2\\) second\n\\> quote');
  });

  it('leaves version numbers, negative numbers, hyphens and email addresses readable', () => {
    expect(escapeMarkdown('9.1.0.5805')).toBe('9.1.0.5805');
    expect(escapeMarkdown('-5 minutes')).toBe('-5 minutes');
    expect(escapeMarkdown('Exchange - Online')).toBe('Exchange - Online');
    expect(escapeMarkdown('sales@contoso.com')).toBe('sales@contoso.com');
  });

  it('escapes a backslash so it cannot undo the escaping that follows it', () => {
    expect(escapeMarkdown('\\*bold\\*')).toBe('\\\\\\*bold\\\\\\*');
  });

  it('keeps a single line for list cells', () => {
    expect(escapeMarkdownLine('first line\r\n- second line')).toBe('first line - second line');
  });
});

describe('formatting', () => {
  it('groups thousands', () => {
    expect(formatCount(10_000)).toBe('10,000');
    expect(countOf(1, 'mailbox', 'mailboxes')).toBe('1 mailbox');
    expect(countOf(1_234, 'alert')).toBe('1,234 alerts');
  });

  it('states a range the way a person counts, from one', () => {
    expect(rangeText(20, 20, 10_000)).toBe('Showing 21 - 40 of 10,000');
    expect(rangeText(0, 0, 0)).toBe('Showing 0 of 0');
  });

  it('shows timestamps in UTC to the minute and refuses what is not a timestamp', () => {
    expect(formatUtc('2025-03-01T10:15:42.123Z')).toBe('2025-03-01 10:15 UTC');
    expect(formatUtc('2025-03-01T11:15:00+01:00')).toBe('2025-03-01 10:15 UTC');
    expect(() => formatUtc('yesterday')).toThrow('"yesterday" is not an ISO-8601 timestamp');
  });

  it('clips long text with a visible ellipsis only when it is too long', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('a rather long sentence', 10)).toBe('a rather…');
    expect(clip('a rather long sentence', 10)).toHaveLength(9);
  });
});
