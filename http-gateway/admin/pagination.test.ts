import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors/http-error.js';
import { DEFAULT_PAGE_SIZE, linkHeader, MAX_PAGE_SIZE, parsePageSize } from './pagination.js';

test('page_size defaults, clamps like Hydra and rejects non-numbers naming the parameter', () => {
  assert.equal(parsePageSize(undefined), DEFAULT_PAGE_SIZE);
  assert.equal(parsePageSize('0'), DEFAULT_PAGE_SIZE);
  assert.equal(parsePageSize('7'), 7);
  assert.equal(parsePageSize('5000'), MAX_PAGE_SIZE);
  assert.throws(() => parsePageSize('ten'), (err: unknown) => err instanceof HttpError && err.status === 400 && /page_size/.test(err.body.error_description));
});

test('Link has rel="first" always and rel="next" with the token, keeping filters', () => {
  assert.deepEqual(linkHeader('/admin/clients?owner=o%201&page_size=2&page_token=old', 2, 'tok'), [
    '</admin/clients?owner=o+1&page_size=2>; rel="first"',
    '</admin/clients?owner=o+1&page_size=2&page_token=tok>; rel="next"',
  ]);
  assert.deepEqual(linkHeader('/admin/clients', 250, ''), ['</admin/clients?page_size=250>; rel="first"']);
});
