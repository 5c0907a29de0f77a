/**
 * Subject identifier types (OIDC Core §8): `public` gives every client the same `sub`;
 * `pairwise` gives each sector its own, so clients of different sectors cannot correlate users.
 */
import { createHash } from 'node:crypto';
import type { Client } from '../clients/client.js';
import { OAuthError } from '../shared/errors.js';

/**
 * OIDC Core §8.1: the sector identifier is the host of `sector_identifier_uri`, else the host of
 * the registered redirect URIs, which must then all share one host.
 */
export function sectorIdentifier(client: Pick<Client, 'client_id' | 'sector_identifier_uri' | 'redirect_uris'>): string {
  if (client.sector_identifier_uri !== '') return hostOf(client.sector_identifier_uri);
  const hosts = new Set(client.redirect_uris.map(hostOf));
  const [host] = hosts;
  if (hosts.size !== 1 || host === undefined) {
    throw new OAuthError('invalid_request', {
      hint: `The client "${client.client_id}" uses pairwise subject identifiers but has no sector_identifier_uri and its redirect_uris do not share exactly one host (OIDC Core §8.1).`,
    });
  }
  return host;
}

function hostOf(uri: string): string {
  try {
    return new URL(uri).host;
  } catch {
    throw new OAuthError('invalid_request', { hint: `"${uri}" is not a URL, so no sector identifier can be derived from it.` });
  }
}

/**
 * The `sub` this client sees for the local `subject`: the subject itself for public clients,
 * else Hydra's pairwise identifier, hex SHA-256 of sector identifier ‖ subject ‖ salt (OIDC Core §8.1).
 *
 * @example
 * subjectFor(client, 'alice', config.oidc.subjectIdentifiers.pairwiseSalt);
 */
export function subjectFor(
  client: Pick<Client, 'client_id' | 'subject_type' | 'sector_identifier_uri' | 'redirect_uris'>,
  subject: string,
  pairwiseSalt: string,
): string {
  if (client.subject_type !== 'pairwise') return subject;
  return createHash('sha256').update(`${sectorIdentifier(client)}${subject}${pairwiseSalt}`, 'utf8').digest('hex');
}
