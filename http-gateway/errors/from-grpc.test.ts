import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OAuthError } from '../../proto/gen/tessera/v1/errors.js';
import { ERROR_TRAILER, fromGrpcError } from './from-grpc.js';

function serviceError(code: status, details: string, trailer?: OAuthError): ServiceError {
  const metadata = new Metadata();
  if (trailer) metadata.set(ERROR_TRAILER, Buffer.from(OAuthError.encode(trailer).finish()));
  return Object.assign(new Error(details), { code, details, metadata });
}

test('renders the OAuthError core put in the trailer, with its status and hint', () => {
  const err = fromGrpcError(
    serviceError(status.NOT_FOUND, 'x', { error: 'Not Found', error_description: 'Unable to locate the requested resource', error_hint: 'Failed to decrypt the logout challenge.', status_code: 404, error_debug: '' }),
  );
  assert.equal(err.status, 404);
  // fosite's GetDescription: description and hint joined by a space, as Hydra sends them.
  assert.deepEqual(err.body, {
    error: 'Not Found',
    error_description: 'Unable to locate the requested resource Failed to decrypt the logout challenge.',
    error_hint: 'Failed to decrypt the logout challenge.',
    status_code: 404,
  });
});

test('an empty description stays empty (Hydra\'s unknown client), and the debug detail shows only when exposed', () => {
  const err = fromGrpcError(
    serviceError(status.NOT_FOUND, 'x', { error: 'Unable to locate the resource', error_description: '', error_hint: '', status_code: 404, error_debug: 'client "abc" does not exist' }),
  );
  assert.deepEqual(err.bodyFor(false), { error: 'Unable to locate the resource', error_description: '', status_code: 404 });
  assert.equal(err.bodyFor(true).error_description, 'client "abc" does not exist');
});

test('falls back to the gRPC code for the status when the trailer has none', () => {
  const err = fromGrpcError(serviceError(status.ALREADY_EXISTS, 'x', { error: 'conflict', error_description: 'taken', error_hint: '', status_code: 0, error_debug: '' }));
  assert.equal(err.status, 409);
  assert.equal(err.body.error_hint, undefined);
});

test('without a trailer, UNAVAILABLE and DEADLINE_EXCEEDED are a retryable 503', () => {
  for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED]) {
    const err = fromGrpcError(serviceError(code, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:4446'));
    assert.equal(err.status, 503);
    assert.equal(err.body.error, 'temporarily_unavailable');
    assert.doesNotMatch(JSON.stringify(err.body), /ECONNREFUSED|127\.0\.0\.1/);
  }
});

test('without a trailer, any other code is a 500 server_error that leaks nothing', () => {
  const err = fromGrpcError(serviceError(status.INTERNAL, 'TypeError: cannot read x at store.ts:12'));
  assert.equal(err.status, 500);
  assert.equal(err.body.error, 'server_error');
  assert.doesNotMatch(JSON.stringify(err.body), /TypeError|store\.ts/);
});

test('a garbled trailer is treated as absent', () => {
  const metadata = new Metadata();
  metadata.set(ERROR_TRAILER, Buffer.from([0xff, 0xff, 0xff]));
  const err = fromGrpcError(Object.assign(new Error('x'), { code: status.INVALID_ARGUMENT, details: 'x', metadata }));
  assert.equal(err.status, 500);
});
