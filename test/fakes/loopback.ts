// Starts a node:http or node:https server on 127.0.0.1 with a free port, for the fakes.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCertificates } from './tls.js';

export interface LoopbackServer {
  /** `http://127.0.0.1:port` or `https://127.0.0.1:port`, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void | Promise<void>;

export async function startLoopbackServer(handler: Handler, tls?: TestCertificates): Promise<LoopbackServer> {
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: '0x80040216', message: `fake server failure: ${String(error)}` } }));
    });
  };
  const server = tls === undefined ? http.createServer(listener) : https.createServer({ key: tls.serverKeyPem, cert: tls.serverCertPem }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}
