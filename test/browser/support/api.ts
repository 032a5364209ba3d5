import { expect } from 'vitest';
import type { ConsoleServer } from './console-server';

export const PASSWORD = 'purple-elephant-ladder-19';

let counter = 0;
export const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}@example.com`;

export interface ApiAnswer {
  status: number;
  body: any;
}

/** One JSON call to the REST API, as any client outside the browser makes it. */
export async function api(base: string, method: string, path: string, opts: { token?: string; body?: unknown; orgId?: string } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.orgId) headers['x-org-id'] = opts.orgId;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** `api` that expects `status`, failing with the API's answer otherwise. */
export async function apiOk(base: string, method: string, path: string, status: number, opts: Parameters<typeof api>[3] = {}): Promise<any> {
  const answer = await api(base, method, path, opts);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  return answer.body;
}

/** The token of a mailed link (verification, invitation): the query's `token`, else the path segment before `/accept`. */
export function tokenOf(link: string): string {
  const url = new URL(link);
  return url.searchParams.get('token') ?? /\/invitations\/([^/]+)\/accept/.exec(url.pathname)![1];
}

export interface ApiUser {
  email: string;
  accessToken: string;
  /** The personal workspace registration made. */
  orgId: string;
  orgName: string;
}

/** Registers, verifies from the mailed link and signs in through the REST API. */
export async function signUpByApi(server: ConsoleServer, opts: { email?: string; name: string }): Promise<ApiUser> {
  const email = opts.email ?? uniqueEmail(opts.name.toLowerCase());
  const registered = await apiOk(server.base, 'POST', '/api/v1/auth/register', 201, { body: { email, password: PASSWORD, name: opts.name } });
  const token = tokenOf(await server.mailedLink(email, 'verify'));
  await apiOk(server.base, 'POST', '/api/v1/auth/verify-email', 200, { body: { token } });
  const { accessToken } = await apiOk(server.base, 'POST', '/api/v1/auth/login', 200, { body: { email, password: PASSWORD } });
  return { email, accessToken, orgId: registered.organization.id, orgName: registered.organization.name };
}

/** `member` joins `owner`'s workspace in `role`, by the invitation mailed to them, accepted through the REST API. */
export async function joinWorkspace(server: ConsoleServer, owner: Pick<ApiUser, 'orgId' | 'accessToken'>, member: Pick<ApiUser, 'email' | 'accessToken'>, role: string): Promise<void> {
  await apiOk(server.base, 'POST', `/api/v1/orgs/${owner.orgId}/invitations`, 201, { token: owner.accessToken, body: { email: member.email, role } });
  const invitation = tokenOf(await server.mailedLink(member.email, '/accept'));
  await apiOk(server.base, 'POST', `/api/v1/invitations/${invitation}/accept`, 200, { token: member.accessToken });
}
