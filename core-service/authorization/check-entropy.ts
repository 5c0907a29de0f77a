import { OAuthError } from '../shared/errors.js';
import type { Check } from './context.js';

// Hydra's minimum for state and nonce: shorter values do not carry enough entropy to stop CSRF/replay.
const MIN_ENTROPY_LENGTH = 8;

/** fosite's codes and words for each: invalid_state for `state`, insufficient_entropy for `nonce`. */
const WEAK: Record<'state' | 'nonce', () => OAuthError> = {
  state: () => new OAuthError('invalid_state', { hint: `Request parameter 'state' must be at least be ${MIN_ENTROPY_LENGTH} characters long to ensure sufficient entropy.` }),
  nonce: () => new OAuthError('insufficient_entropy', { hint: `Parameter 'nonce' is set but does not satisfy the minimum entropy of ${MIN_ENTROPY_LENGTH} characters.` }),
};

export function minimumEntropy(name: 'state' | 'nonce'): Check {
  return (ctx) => {
    const value = ctx.raw.get(name) ?? '';
    if (value !== '' && value.length < MIN_ENTROPY_LENGTH) throw WEAK[name]();
    ctx.params[name] = value;
  };
}
