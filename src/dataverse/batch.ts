// OData $batch (multipart/mixed) for the Dataverse Web API: writing a batch of change sets and reading
// its answer. A change set is one transaction (ExecuteTransaction): when one of its requests fails the
// service rolls all of them back and answers with that one error in place of the change set.
import { randomUUID } from 'node:crypto';

export interface BatchOperation {
  readonly method: 'PATCH' | 'POST' | 'DELETE';
  /** Relative to the Web API root, e.g. `mailboxes(00000000-…)`. */
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
  /** Sent as If-Match; every update carries one. */
  readonly etag?: string;
}

export interface BatchPartResponse {
  /** Content-ID of the request it answers (inside a change set), when given. */
  readonly contentId: string | null;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One entry per change set sent: the answers of its requests, or the single error that rolled it back. */
export type ChangeSetResponse = { readonly committed: true; readonly responses: readonly BatchPartResponse[] } | { readonly committed: false; readonly error: BatchPartResponse };

const CRLF = '\r\n';

export function encodeBatch(apiRoot: string, changeSets: readonly (readonly BatchOperation[])[]): { boundary: string; body: string } {
  const boundary = `batch_${randomUUID()}`;
  const lines: string[] = [];
  for (const changeSet of changeSets) {
    const changeSetBoundary = `changeset_${randomUUID()}`;
    lines.push(`--${boundary}`, `Content-Type: multipart/mixed; boundary=${changeSetBoundary}`, '');
    changeSet.forEach((operation, index) => {
      lines.push(`--${changeSetBoundary}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${index + 1}`, '');
      lines.push(`${operation.method} ${apiRoot}/${operation.path} HTTP/1.1`);
      if (operation.body !== undefined) lines.push('Content-Type: application/json');
      if (operation.etag !== undefined) lines.push(`If-Match: ${operation.etag}`);
      lines.push('', operation.body === undefined ? '' : JSON.stringify(operation.body));
    });
    lines.push(`--${changeSetBoundary}--`, '');
  }
  lines.push(`--${boundary}--`, '');
  return { boundary, body: lines.join(CRLF) };
}

export function boundaryOf(contentType: string | null): string | null {
  const match = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  return match?.[2] ?? null;
}

/** Splits a multipart body into its parts' raw text (headers, blank line, content). */
export function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.startsWith('--', start)) break;
    const next = body.indexOf(`${CRLF}${delimiter}`, start);
    const end = next === -1 ? body.length : next;
    parts.push(body.slice(body.startsWith(CRLF, start) ? start + 2 : start, end));
    position = next === -1 ? -1 : next + 2;
  }
  return parts;
}

/** Headers (lower-cased names) and the rest of a MIME entity or an HTTP message. */
export function splitHeaders(text: string): { headers: Record<string, string>; rest: string } {
  const end = text.indexOf(`${CRLF}${CRLF}`);
  const head = end === -1 ? text : text.slice(0, end);
  const rest = end === -1 ? '' : text.slice(end + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

function parseHttpPart(part: string): BatchPartResponse {
  const mime = splitHeaders(part);
  const statusLineEnd = mime.rest.indexOf(CRLF);
  const statusLine = statusLineEnd === -1 ? mime.rest : mime.rest.slice(0, statusLineEnd);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new SyntaxError(`batch answer part without an HTTP status line: ${statusLine.slice(0, 60)}`);
  const message = splitHeaders(statusLineEnd === -1 ? '' : mime.rest.slice(statusLineEnd + 2));
  return { contentId: mime.headers['content-id'] ?? null, status, headers: message.headers, body: message.rest.trim() };
}

/** Reads a $batch answer: one entry per change set, in the order sent. Throws SyntaxError when it is not one. */
export function parseBatchResponse(body: string, contentType: string | null): ChangeSetResponse[] {
  const boundary = boundaryOf(contentType);
  if (boundary === null) throw new SyntaxError('batch answer is not multipart');
  return splitMultipart(body, boundary).map((part): ChangeSetResponse => {
    const { headers, rest } = splitHeaders(part);
    const innerBoundary = boundaryOf(headers['content-type'] ?? null);
    if (innerBoundary === null) return { committed: false, error: parseHttpPart(part) };
    return { committed: true, responses: splitMultipart(rest, innerBoundary).map(parseHttpPart) };
  });
}
