/**
 * Challenges and verifiers: the in-flight flow, AEAD-encrypted (AES-256-GCM, keys from
 * `secrets.system`), one key per purpose so a login challenge can never be presented as a
 * verifier (DESIGN.md, Flow state; Hydra 2.x does the same). Each carries its own id, which the
 * used-challenge table turns into single use, and the flow's expiry.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createSecretBox, type SecretBox } from '../keys/secret-box.js';
import { OAuthError, errors } from '../shared/errors.js';
import type { Flow } from './flow.js';

export type ChallengeKind = 'login_challenge' | 'login_verifier' | 'consent_challenge' | 'consent_verifier';

const KINDS: readonly ChallengeKind[] = ['login_challenge', 'login_verifier', 'consent_challenge', 'consent_verifier'];

/** What a challenge or verifier opens to. */
export interface OpenedChallenge {
  /** Unique per challenge/verifier: the key of single use. */
  id: string;
  flow: Flow;
}

export interface ChallengeCodec {
  seal(kind: ChallengeKind, id: string, flow: Flow): string;
  /**
   * Opens a challenge of `kind`. Unreadable → 404 (unknown to us); past the flow's expiry → 401
   * request_unauthorized (Hydra: the request expired and must be started again).
   */
  open(kind: ChallengeKind, sealed: string, now: number): OpenedChallenge;
}

// Flows, challenges and CSRF values take their ids from here (shared/random-id.ts).
export { randomId } from '../shared/random-id.js';

const NAMES: Record<ChallengeKind, string> = {
  login_challenge: 'login challenge',
  login_verifier: 'login verifier',
  consent_challenge: 'consent challenge',
  consent_verifier: 'consent verifier',
};

/**
 * Flows up to this many bytes of JSON are sealed as they are. zlib cost more CPU than the whole
 * seal of a usual flow (it showed in the full-login profile, issue 10) and saves little on a few
 * hundred bytes; a large flow (many scopes, a long request URL) is still deflated, since the
 * challenge travels in URLs.
 */
export const DEFLATE_ABOVE_BYTES = 2_048;

/** The sealed text: the JSON itself (it starts with `{`), or its raw deflate in base64url (never `{`). */
function pack(json: string): string {
  if (json.length <= DEFLATE_ABOVE_BYTES) return json;
  return deflateRawSync(Buffer.from(json, 'utf8')).toString('base64url');
}

function unpack(packed: string): string {
  return packed.startsWith('{') ? packed : inflateRawSync(Buffer.from(packed, 'base64url')).toString('utf8');
}

/**
 * How many challenges this process sealed are remembered with what they seal (see `sealedHere`),
 * about 4 MB: at 300 logins/s (four seals each) the last second or two, which covers the verifiers
 * a browser brings straight back; a challenge opened later (a login app that waits for a person)
 * is simply decrypted.
 */
export const REMEMBERED_SEALS = 2_048;

/** Builds the codec from `secrets.system` (first seals, all open: secrets rotate). */
export function createChallengeCodec(systemSecrets: string[]): ChallengeCodec {
  const boxes = new Map<ChallengeKind, SecretBox>(KINDS.map((kind) => [kind, createSecretBox(systemSecrets, kind)]));
  const box = (kind: ChallengeKind): SecretBox => {
    const found = boxes.get(kind);
    if (!found) throw new Error(`no secret box for ${kind}`);
    return found;
  };
  /**
   * The challenges this process sealed lately, by sealed text, with their kind and what they
   * seal: opening one of them is a lookup instead of AES-GCM and JSON.parse (nearly half of the
   * challenges' CPU in the full-login profile, issue 10). Safe because a sealed text is unforgeable and
   * immutable: the same text always opens to the same id and flow, and the flows are never
   * mutated (flow.ts transitions return new objects). Expiry and single use are checked as for
   * a decrypted one; another replica, or this one after a restart, decrypts.
   */
  const sealedHere = new Map<string, { kind: ChallengeKind; opened: OpenedChallenge }>();
  const remember = (sealed: string, kind: ChallengeKind, opened: OpenedChallenge): void => {
    sealedHere.set(sealed, { kind, opened });
    if (sealedHere.size > REMEMBERED_SEALS) {
      const oldest = sealedHere.keys().next();
      if (oldest.done !== true) sealedHere.delete(oldest.value);
    }
  };
  return {
    seal(kind, id, flow) {
      const sealed = box(kind).seal(pack(JSON.stringify({ id, flow })));
      remember(sealed, kind, { id, flow });
      return sealed;
    },
    open(kind, sealed, now) {
      let opened: OpenedChallenge;
      try {
        const here = sealedHere.get(sealed);
        // A text sealed as another kind is opened with this kind's key, and fails as it always did.
        opened = here?.kind === kind ? here.opened : (JSON.parse(unpack(box(kind).open(sealed))) as OpenedChallenge);
      } catch {
        // Hydra's answer to a challenge it cannot decrypt (flow.decodeFlow: x.ErrNotFound).
        throw errors.resourceNotFound(`The ${NAMES[kind]} is unknown, malformed or was issued by another server.`);
      }
      if (now >= opened.flow.expires_at) {
        // Hydra's flow.decodeFlow: ErrRequestUnauthorized, "The login request has expired, please try again."
        throw new OAuthError('request_unauthorized', {
          hint: `The ${NAMES[kind].split(' ')[0]} request has expired, please try again.`,
          debug: `The ${NAMES[kind]} expired (ttl.login_consent_request); the authorization must be started again.`,
        });
      }
      return opened;
    },
  };
}
