// Plain requests to the fakes, without the client under test, so that the fakes' contract tests do
// not depend on it: a token straight from the fake token endpoint and a fetch with OData headers.
import { z } from 'zod';
import type { FakeCloud } from '../fakes/fake-cloud.js';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from '../fakes/fake-cloud.js';

export async function rawToken(cloud: FakeCloud, resource = cloud.dataverse.url): Promise<string> {
  const response = await fetch(`${cloud.tokenEndpoint.url}/${cloud.settings.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: FAKE_CLIENT_ID, client_secret: FAKE_CLIENT_SECRET, scope: `${resource}/.default` }).toString(),
  });
  return z.object({ access_token: z.string() }).parse(await response.json()).access_token;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): unknown;
}

export async function raw(
  cloud: FakeCloud,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; token?: string } = {},
): Promise<RawResponse> {
  const token = options.token ?? (await rawToken(cloud));
  const url = path.startsWith('http') ? path : `${cloud.dataverse.apiRoot}/${path}`;
  const response = await fetch(url, {
    method,
    headers: { accept: 'application/json', 'odata-version': '4.0', 'odata-maxversion': '4.0', authorization: `Bearer ${token}`, ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

export const odataErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export const collectionSchema = z.object({ '@odata.context': z.string(), value: z.array(z.record(z.string(), z.unknown())), '@odata.nextLink': z.string().optional() });
