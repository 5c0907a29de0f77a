/**
 * Random bytes for the token path, drawn from a pool that one call to the CSPRNG fills.
 *
 * `crypto.randomBytes(n)` runs a crypto job per call (a buffer, a job object, a locked OpenSSL
 * DRBG call); minting an opaque token and sealing its session took two of them, about a tenth
 * of core's CPU per client_credentials request (issue 11, `npm run bench` with BENCH_CPU_PROF).
 * Node does the same for `crypto.randomUUID()`. The bytes are the same CSPRNG output, handed out
 * once each: a pool is never refilled in place, so a handed-out view never changes, and every
 * byte goes to one caller only.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8 * 1024;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `size` fresh random bytes (a view into the current pool; the caller may keep it).
 * @example const nonce = randomBytesPooled(12);
 */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
