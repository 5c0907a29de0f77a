/**
 * Small HTTP helpers for the token-engine tests: admin JSON calls, form posts to the token,
 * revocation and introspection endpoints, and HTTP Basic credentials as RFC 6749 §2.3.1 wants.
 */
import { request } from 'undici';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  text: string;
}

async function send(url: string, init: { method: string; body?: string; headers: Record<string, string> }): Promise<Answer> {
  const res = await request(url, { method: init.method as 'GET', body: init.body, headers: init.headers });
  const text = await res.body.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: res.statusCode, headers: res.headers, body, text };
}

/** A JSON call to the admin API. */
export function adminCall(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return send(new URL(path, base).toString(), {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
}

/** Creates a client through `POST /admin/clients`; returns Hydra's document (with client_secret). */
export async function createClient(admin: string, doc: Record<string, unknown>): Promise<{ client_id: string; client_secret: string }> {
  const res = await adminCall(admin, 'POST', '/admin/clients', doc);
  if (res.status !== 201) throw new Error(`creating client failed: ${res.status} ${res.text}`);
  return { client_id: String(res.body.client_id), client_secret: String(res.body.client_secret ?? '') };
}

/** A form post; pairs so a test can repeat a parameter. */
export function postForm(base: string, path: string, form: [string, string][], headers: Record<string, string> = {}): Promise<Answer> {
  return send(new URL(path, base).toString(), {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined and base64-encoded. */
export function basic(id: string, secret: string): Record<string, string> {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}` };
}

/** client_credentials with HTTP Basic; extra form pairs appended. */
export function clientCredentials(pub: string, id: string, secret: string, extra: [string, string][] = []): Promise<Answer> {
  return postForm(pub, '/oauth2/token', [['grant_type', 'client_credentials'], ...extra], basic(id, secret));
}

/** The access token of a successful client_credentials request; throws with the body otherwise. */
export async function mintToken(pub: string, id: string, secret: string, extra: [string, string][] = []): Promise<string> {
  const res = await clientCredentials(pub, id, secret, extra);
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return String(res.body.access_token);
}

/** `POST /admin/oauth2/introspect`. */
export function introspect(admin: string, token: string, scope?: string): Promise<Answer> {
  return postForm(admin, '/admin/oauth2/introspect', [['token', token], ...(scope === undefined ? [] : [['scope', scope] as [string, string]])]);
}
