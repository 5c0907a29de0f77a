import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { migratedDatabase, testDatabases } from '../../test/support/databases.js';
import { OAuthError } from '../shared/errors.js';
import { SqlKeyStore } from '../storage/key-store.js';
import type { Orm } from '../storage/orm.js';
import { ACCESS_TOKEN_KEY_SET, createKeyService, ID_TOKEN_KEY_SET, SigningKeysUnreadableError, type KeyService } from './service.js';

const OLD_SECRET = 'old-system-secret-0123456789abcdef';
const NEW_SECRET = 'new-system-secret-0123456789abcdef';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

async function sign(jwk: JWK): Promise<string> {
  return new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: jwk.alg ?? '', kid: jwk.kid ?? '' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(jwk, jwk.alg));
}

async function verifies(token: string, keys: readonly JWK[]): Promise<boolean> {
  try {
    await jwtVerify(token, createLocalJWKSet({ keys: [...keys] }));
    return true;
  } catch {
    return false;
  }
}

function isOAuthError(code: string, hint?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof OAuthError, String(err));
    assert.equal(err.code, code);
    if (hint) assert.match(`${err.hint} ${err.debug}`, hint);
    return true;
  };
}

const sqlite = testDatabases().find((db) => db.name === 'sqlite');

describe('KeyService (on SQLite)', () => {
  let orm: Orm;
  let drop: () => Promise<void> = async () => undefined;
  let clock: number;
  const now = () => new Date(clock);
  const service = (secrets = [OLD_SECRET]): KeyService => createKeyService({ store: new SqlKeyStore(orm), secrets, now });

  before(async () => {
    if (!sqlite) throw new Error('no sqlite test database');
    const migrated = await migratedDatabase(sqlite);
    orm = migrated.orm;
    drop = migrated.drop;
  });
  after(() => drop());
  beforeEach(async () => {
    clock = Date.parse('2025-01-01T00:00:00Z');
    await orm.em.getConnection().execute('delete from jwks', [], 'run');
  });

  it('creates the default signing sets once and reuses them across restarts', async () => {
    const first = service();
    await first.ensureDefaultKeys();
    const idKey = await first.signingKey(ID_TOKEN_KEY_SET);
    const atKey = await first.signingKey(ACCESS_TOKEN_KEY_SET);
    assert.equal(idKey.alg, 'RS256');
    assert.equal(idKey.use, 'sig');
    assert.notEqual(idKey.kid, atKey.kid);

    const restarted = service();
    await restarted.ensureDefaultKeys();
    assert.equal((await restarted.signingKey(ID_TOKEN_KEY_SET)).kid, idKey.kid);
    assert.equal((await restarted.signingKey(ACCESS_TOKEN_KEY_SET)).kid, atKey.kid);
    assert.equal((await restarted.getKeySet(ID_TOKEN_KEY_SET)).keys.length, 1);
    assert.equal((await restarted.getKeySet(ACCESS_TOKEN_KEY_SET)).keys.length, 1);
  });

  it('rotation: the new key signs, the old one verifies until it is deleted', async () => {
    const keys = service();
    await keys.ensureDefaultKeys();
    const old = await keys.signingKey(ID_TOKEN_KEY_SET);
    const oldToken = await sign(old);

    clock += 1000;
    const [created] = (await keys.createKey(ID_TOKEN_KEY_SET, { alg: 'ES256', use: 'sig', kid: 'rotated' })).keys;
    assert.equal(created?.kid, 'rotated');
    const current = await keys.signingKey(ID_TOKEN_KEY_SET);
    assert.equal(current.kid, 'rotated');
    assert.ok(await verifies(await sign(current), await keys.verificationKeys(ID_TOKEN_KEY_SET)));
    assert.ok(await verifies(oldToken, await keys.verificationKeys(ID_TOKEN_KEY_SET)), 'old token still verifies');

    await keys.deleteKey(ID_TOKEN_KEY_SET, old.kid ?? '');
    assert.equal(await verifies(oldToken, await keys.verificationKeys(ID_TOKEN_KEY_SET)), false, 'old token no longer verifies');
    assert.deepEqual((await keys.verificationKeys(ID_TOKEN_KEY_SET)).map((k) => k.kid), ['rotated']);
  });

  it('verificationKeys and publicJwks carry no private member', async () => {
    const keys = service();
    await keys.ensureDefaultKeys();
    await keys.createKey(ACCESS_TOKEN_KEY_SET, { alg: 'EdDSA', use: 'sig' });
    const published = await keys.publicJwks();
    assert.equal(published.keys.length, 3);
    for (const jwk of [...published.keys, ...(await keys.verificationKeys(ID_TOKEN_KEY_SET))]) {
      for (const member of PRIVATE_MEMBERS) assert.equal(member in jwk, false, `${member} published`);
    }
    // The same array until the set changes, so jose's per-set import cache holds.
    assert.equal(await keys.verificationKeys(ID_TOKEN_KEY_SET), await keys.verificationKeys(ID_TOKEN_KEY_SET));
  });

  it('system-secret rotation: keys sealed with the old secret open with [new, old]', async () => {
    const before = service([OLD_SECRET]);
    await before.ensureDefaultKeys();
    const kid = (await before.signingKey(ID_TOKEN_KEY_SET)).kid;

    const rotated = service([NEW_SECRET, OLD_SECRET]);
    await rotated.ensureDefaultKeys();
    assert.equal((await rotated.signingKey(ID_TOKEN_KEY_SET)).kid, kid);
    // New keys are sealed with the new secret: the new secret alone opens them.
    await rotated.createKey('fresh', { alg: 'ES512', use: 'sig', kid: 'f' });
    assert.equal((await service([NEW_SECRET]).getKey('fresh', 'f')).keys[0]?.kid, 'f');
  });

  it('a wrong SECRETS_SYSTEM stops ensureDefaultKeys with a clear error', async () => {
    await service([OLD_SECRET]).ensureDefaultKeys();
    await assert.rejects(service([NEW_SECRET]).ensureDefaultKeys(), (err: unknown) => {
      assert.ok(err instanceof SigningKeysUnreadableError);
      assert.match(err.message, /SECRETS_SYSTEM/);
      assert.match(err.message, /hydra\.openid\.id-token/);
      return true;
    });
  });

  it('an empty SECRETS_SYSTEM stops ensureDefaultKeys naming it', async () => {
    await assert.rejects(service([]).ensureDefaultKeys(), /SECRETS_SYSTEM/);
  });

  it('sees its own changes at once and another replica\'s within the cache TTL', async () => {
    const a = service();
    const b = service();
    await a.ensureDefaultKeys();
    const original = await b.signingKey(ID_TOKEN_KEY_SET);

    clock += 1000;
    await a.createKey(ID_TOKEN_KEY_SET, { alg: 'RS256', use: 'sig', kid: 'from-a' });
    assert.equal((await a.signingKey(ID_TOKEN_KEY_SET)).kid, 'from-a');
    assert.equal((await b.signingKey(ID_TOKEN_KEY_SET)).kid, original.kid, 'b still within its TTL');
    clock += 10_001;
    assert.equal((await b.signingKey(ID_TOKEN_KEY_SET)).kid, 'from-a', 'b after its TTL');
  });

  it('a deleted signing set gets a new key on the next signature, as Hydra does', async () => {
    const keys = service();
    await keys.ensureDefaultKeys();
    const before = await keys.signingKey(ACCESS_TOKEN_KEY_SET);
    await keys.deleteKeySet(ACCESS_TOKEN_KEY_SET);
    const after = await keys.signingKey(ACCESS_TOKEN_KEY_SET);
    assert.notEqual(after.kid, before.kid);
    assert.equal((await keys.getKeySet(ACCESS_TOKEN_KEY_SET)).keys.length, 1);
  });

  describe('admin operations', () => {
    it('create returns the new key with its private part; a bad alg or use is 400', async () => {
      const keys = service();
      const { keys: [created] } = await keys.createKey('custom', { alg: 'ES256', use: 'enc' });
      assert.ok(created && typeof created.d === 'string' && created.use === 'enc' && typeof created.kid === 'string');
      // Hydra's jwk.ErrUnsupportedKeyAlgorithm: "Bad Request" / "Unsupported key algorithm".
      await assert.rejects(keys.createKey('custom', { alg: 'none', use: 'sig' }), isOAuthError('Bad Request', /RS256, RS384/));
      await assert.rejects(keys.createKey('custom', { alg: 'RS256', use: 'wrap' }), isOAuthError('invalid_request', /"sig" or "enc"/));
      await keys.createKey('custom', { alg: 'ES256', use: 'sig', kid: 'dup' });
      await assert.rejects(keys.createKey('custom', { alg: 'ES256', use: 'sig', kid: 'dup' }), isOAuthError('conflict'));
    });

    it('get set and get key return private keys; unknown ones are Hydra\'s not-found errors; deletes are idempotent', async () => {
      const keys = service();
      await keys.createKey('s', { alg: 'ES256', use: 'sig', kid: 'a' });
      clock += 1;
      await keys.createKey('s', { alg: 'ES256', use: 'sig', kid: 'b' });
      const set = await keys.getKeySet('s');
      assert.deepEqual(set.keys.map((k) => k.kid), ['b', 'a']);
      assert.ok(set.keys.every((k) => typeof k.d === 'string'));
      assert.equal((await keys.getKey('s', 'a')).keys[0]?.kid, 'a');
      await assert.rejects(keys.getKeySet('nope'), isOAuthError('Not Found'));
      await assert.rejects(keys.getKey('s', 'nope'), isOAuthError('Unable to locate the resource'));
      await keys.deleteKey('s', 'nope');
      await keys.deleteKeySet('nope');
      await keys.deleteKeySet('s');
      await keys.deleteKeySet('s');
      await assert.rejects(keys.getKeySet('s'), isOAuthError('Not Found'));
    });

    it('replaceKeySet stores keys that import, in order, and refuses the rest naming the field', async () => {
      const keys = service();
      await keys.createKey('imported', { alg: 'ES256', use: 'sig', kid: 'replaced-away' });
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const priv = { ...(await exportJWK(privateKey)), kid: 'mine', alg: 'ES256', use: 'sig' };
      const pub = { ...(await exportJWK(publicKey)), kid: 'theirs', alg: 'ES256', use: 'sig' };
      const result = await keys.replaceKeySet('imported', { keys: [priv, pub] });
      assert.deepEqual(result.keys.map((k) => k.kid), ['mine', 'theirs']);
      assert.deepEqual((await keys.getKeySet('imported')).keys.map((k) => k.kid), ['mine', 'theirs']);
      // Only the key with a private part can sign; both verify.
      assert.equal((await keys.signingKey('imported')).kid, 'mine');
      assert.equal((await keys.verificationKeys('imported')).length, 2);

      await assert.rejects(keys.replaceKeySet('imported', { nope: [] }), isOAuthError('invalid_request', /"keys"/));
      await assert.rejects(keys.replaceKeySet('imported', { keys: [{ ...pub, alg: '' }] }), isOAuthError('invalid_request', /keys\[0\]\.alg/));
      await assert.rejects(keys.replaceKeySet('imported', { keys: [pub, { ...pub, x: 'AAAA' }] }), isOAuthError('invalid_request', /keys\[1\]/));
      await assert.rejects(keys.replaceKeySet('imported', { keys: [pub, pub] }), isOAuthError('invalid_request', /more than once/));
      const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
      const smallJwk = { ...small, kid: 'small', alg: 'RS256', use: 'sig' };
      await assert.rejects(keys.replaceKeySet('imported', { keys: [smallJwk] }), isOAuthError('invalid_request', /1024-bit RSA key/));
      assert.deepEqual((await keys.getKeySet('imported')).keys.map((k) => k.kid), ['mine', 'theirs'], 'failed replacements changed nothing');
    });

    it('putKey creates or replaces the key named by the body\'s kid', async () => {
      const keys = service();
      const { privateKey } = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
      const jwk = { ...(await exportJWK(privateKey)), kid: 'ed', alg: 'EdDSA', use: 'sig' };
      assert.equal((await keys.putKey('put', jwk)).kid, 'ed');
      assert.equal((await keys.putKey('put', { ...jwk, use: 'enc' })).use, 'enc');
      const set = await keys.getKeySet('put');
      assert.equal(set.keys.length, 1);
      assert.equal(set.keys[0]?.use, 'enc');
      await assert.rejects(keys.putKey('put', { ...jwk, kid: undefined }), isOAuthError('invalid_request', /key\.kid/));
    });

    it('an oct key can be set; it is stored but never published, never signs and never verifies', async () => {
      const keys = service();
      const oct = { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'hmac', alg: 'HS256', use: 'sig' };
      assert.equal((await keys.putKey(ID_TOKEN_KEY_SET, oct)).kid, 'hmac');
      assert.equal((await keys.getKey(ID_TOKEN_KEY_SET, 'hmac')).keys[0]?.k, oct.k);
      assert.ok((await keys.publicJwks()).keys.every((k) => k.kty !== 'oct' && k.kid !== 'hmac'));
      assert.notEqual((await keys.signingKey(ID_TOKEN_KEY_SET)).kty, 'oct');
      assert.ok((await keys.verificationKeys(ID_TOKEN_KEY_SET)).every((k) => k.kty !== 'oct'));
    });
  });
});
