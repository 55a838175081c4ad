// A minimal Bot Connector on loopback for the chat benchmark: answers the bot's replies the way Teams does
// (201 with an activity id) and only counts them. test/support/fake-connector.ts records every request with
// its body, which is right for tests and wrong for a load test that sends tens of thousands of cards.
import { createServer } from 'node:http';
import { z } from 'zod';
import { announceFailure, announceReady, serveParent } from './child-support.js';

const ACTIVITY_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

async function main(): Promise<void> {
  let nextActivity = 1;
  let requests = 0;
  let unknownRoutes = 0;
  /** The last body posted to each conversation, kept as text (parsed only when the bench asks). */
  const lastBody = new Map<string, string>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => {
      requests += 1;
      const path = new URL(request.url ?? '/', 'http://loopback.invalid').pathname;
      const match = ACTIVITY_PATH.exec(path);
      if (match === null || (request.method !== 'POST' && request.method !== 'PUT')) {
        unknownRoutes += 1;
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end('{"error":{"code":"NotFound","message":"no such route"}}');
        return;
      }
      lastBody.set(decodeURIComponent(match[1] ?? ''), Buffer.concat(chunks).toString('utf8'));
      const id = request.method === 'PUT' ? decodeURIComponent(match[2] ?? '') : `loopback-${nextActivity++}`;
      const body = JSON.stringify({ id });
      response.writeHead(request.method === 'PUT' ? 200 : 201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = z.object({ port: z.number() }).parse(server.address());

  serveParent(
    {
      counts: () => ({ requests, unknownRoutes }),
      lastActivity: (argument) => {
        const { conversationId } = z.object({ conversationId: z.string() }).parse(argument);
        const text = lastBody.get(conversationId);
        if (text === undefined) return null;
        const body: unknown = JSON.parse(text);
        return body;
      },
    },
    () => new Promise((resolve) => server.close(() => resolve())),
  );
  announceReady(`http://127.0.0.1:${address.port}/`);
}

main().catch(announceFailure);
