/**
 * Every challenge and verifier of the flows (login, consent, device, logout) opens at most once.
 * Opening and marking used is one function, as Hydra's DecodeAndInvalidateLoginVerifier and its
 * siblings: no caller can open a token and forget to invalidate it.
 */
import type { UsedChallengeStore } from './store.js';

/** How one kind of token is opened, and what to answer when it was used already. */
export interface SingleUseToken<Opened, Admitted> {
  /** Decrypts and checks the token (readable, not expired, meant for here); throws when it is not. */
  open(): Opened;
  /** The token's own id (the key of single use) and when the mark may be forgotten (ms since the epoch). */
  key(opened: Opened): { id: string; expiresAt: number };
  /**
   * Runs before the mark and may refuse the token (a CSRF cookie that does not match, a body that
   * does not fit the flow's state): a refused token stays unused, so the browser or the app may
   * try again with the right one.
   */
  admit(opened: Opened): Admitted | Promise<Admitted>;
  /** The error for a token used already (the used-challenge table's primary key decides a race). */
  replayed(): Error;
}

/** Opens a token, admits it, marks it used; the opened token and what `admit` returned. */
export async function openAndInvalidate<Opened, Admitted>(
  used: Pick<UsedChallengeStore, 'markUsed'>,
  token: SingleUseToken<Opened, Admitted>,
): Promise<{ opened: Opened; admitted: Admitted }> {
  const opened = token.open();
  const admitted = await token.admit(opened);
  const { id, expiresAt } = token.key(opened);
  if (!(await used.markUsed(id, new Date(expiresAt)))) throw token.replayed();
  return { opened, admitted };
}
