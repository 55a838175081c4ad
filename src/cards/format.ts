// Text helpers shared by the renderers. TextBlock and FactSet text is Markdown (never HTML), so any text a
// user or an Exchange server wrote passes through escapeMarkdown before it reaches a card.

/** Characters that start inline Markdown anywhere: emphasis, code, strike-through, links, HTML/autolinks. */
const INLINE_MARKDOWN = /[\\`*_~[\]<>]/g;
/**
 * Markers that only mean something at the start of a line: headings and quotes, and list markers when a
 * space follows (so `-5 minutes` and the version `9.1.0.5805` stay untouched).
 */
const LINE_START_MARKDOWN = /^(\s*)([#>]|[+-](?=\s)|\d+(?=[.)](?:\s|$)))/gm;

/**
 * Makes text display literally in a Markdown TextBlock: `**x**`, `[x](http://…)`, `<at>` and list or
 * heading markers show as typed instead of formatting the card.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_MARKDOWN, (character) => `\\${character}`)
    .replace(LINE_START_MARKDOWN, (_match, indent: string, marker: string) =>
      /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
    );
}

/** One line of Markdown-safe text: line breaks inside list cells would break the layout. */
export function escapeMarkdownLine(text: string): string {
  return escapeMarkdown(text.replace(/\s*[\r\n]+\s*/g, ' '));
}

/** Shortens long text with a visible ellipsis (never silently). */
export function clip(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1).trimEnd()}…`;
}

const countFormat = new Intl.NumberFormat('en-US');

/** `10000` → `10,000` */
export function formatCount(count: number): string {
  return countFormat.format(count);
}

/** `1, 'mailbox'` → `1 mailbox`; `3, 'mailbox', 'mailboxes'` → `3 mailboxes` */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/**
 * `2025-03-01T10:15:00Z` → `2025-03-01 10:15 UTC`. Admins compare these with audit logs and alert walls,
 * so cards state UTC explicitly rather than guess the reader's zone.
 */
export function formatUtc(timestamp: string): string {
  const time = new Date(timestamp);
  if (Number.isNaN(time.getTime())) throw new RangeError(`"${timestamp}" is not an ISO-8601 timestamp`);
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const formatUtcOrDash = (timestamp: string | null): string => (timestamp === null ? '—' : formatUtc(timestamp));

export const yesNo = (value: boolean): string => (value ? 'Yes' : 'No');

/**
 * `Showing 21 - 40 of 10,000`, as the Dynamics 365 grid's footer writes a range (`1 - 50 of 5000`); `offset` is
 * zero-based. A hyphen rather than an en dash also keeps a list card's JSON in one byte per character when the
 * names on it are Latin-1: one en dash made V8 hold the whole serialized card in two.
 */
export function rangeText(offset: number, shown: number, total: number): string {
  if (shown === 0) return `Showing 0 of ${formatCount(total)}`;
  return `Showing ${formatCount(offset + 1)} - ${formatCount(offset + shown)} of ${formatCount(total)}`;
}
