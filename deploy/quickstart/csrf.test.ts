import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { createCsrf } from './csrf.js';
import { closeServer, listen } from './http.js';

/** A server whose GET issues a token for ?purpose= and whose POST verifies ?purpose=&token=. */
async function withServer(run: (url: string) => Promise<void>): Promise<void> {
  const csrf = createCsrf({ cookieName: 'test_csrf', secure: false });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const purpose = url.searchParams.get('purpose') ?? '';
    if (req.method === 'GET') res.end(csrf.issue(req, res, purpose));
    else res.end(String(csrf.verify(req, purpose, url.searchParams.get('token'))));
  });
  const url = await listen(server, '127.0.0.1', 0);
  try {
    await run(url);
  } finally {
    await closeServer(server);
  }
}

async function issue(url: string, purpose: string, cookie?: string): Promise<{ token: string; cookie: string }> {
  const res = await request(`${url}/?purpose=${purpose}`, { headers: cookie ? { cookie } : {} });
  const set = res.headers['set-cookie'];
  const header = Array.isArray(set) ? set[0] : set;
  return { token: await res.body.text(), cookie: cookie ?? (header ?? '').split(';')[0] ?? '' };
}

async function verify(url: string, purpose: string, token: string, cookie: string): Promise<boolean> {
  const res = await request(`${url}/?purpose=${purpose}&token=${token}`, { method: 'POST', headers: cookie ? { cookie } : {} });
  return (await res.body.text()) === 'true';
}

describe('CSRF tokens of the quickstart forms', () => {
  it('sets an HttpOnly, SameSite=Lax cookie once and accepts the token with that cookie', () =>
    withServer(async (url) => {
      const res = await request(`${url}/?purpose=login:abc`);
      const header = String(res.headers['set-cookie']);
      assert.match(header, /^test_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
      await res.body.dump();

      const first = await issue(url, 'login:abc');
      assert.equal(await verify(url, 'login:abc', first.token, first.cookie), true);
      const again = await issue(url, 'login:abc', first.cookie);
      assert.equal(again.token, first.token, 'same browser, same form: same token');
    }));

  it('refuses a token without the cookie, with another browser’s cookie, or for another form', () =>
    withServer(async (url) => {
      const mine = await issue(url, 'login:abc');
      const theirs = await issue(url, 'login:abc');
      assert.equal(await verify(url, 'login:abc', mine.token, ''), false);
      assert.equal(await verify(url, 'login:abc', mine.token, theirs.cookie), false);
      assert.equal(await verify(url, 'consent:abc', mine.token, mine.cookie), false);
      assert.equal(await verify(url, 'login:abd', mine.token, mine.cookie), false);
      assert.equal(await verify(url, 'login:abc', 'short', mine.cookie), false);
    }));
});
