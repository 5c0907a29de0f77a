/**
 * The signing key as jose uses it, imported once per JWK. keys/service.ts opens (decrypts and
 * parses) a set once per cache period and hands out the same frozen JWK objects meanwhile, so a
 * WeakMap on the object keeps one imported key per opened JWK: no token pays for importing an
 * RSA key (the import showed in the full-login profile, issue 10), and a rotated-out key is
 * forgotten with its JWK.
 */
import { importJWK, type JWK } from 'jose';

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

const imported = new WeakMap<JWK, Promise<ImportedKey>>();

/** `importJWK(jwk, jwk.alg)`, once per JWK object. A failed import is not remembered. */
export function importedKey(jwk: JWK): Promise<ImportedKey> {
  let key = imported.get(jwk);
  if (key === undefined) {
    key = importJWK(jwk, jwk.alg);
    imported.set(jwk, key);
    key.catch(() => imported.delete(jwk));
  }
  return key;
}
