import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frontChannelLogoutPage } from './logout.js';

test('the front-channel page loads each RP in an iframe and escapes every URL', () => {
  const page = frontChannelLogoutPage(['https://rp.example/logout?iss=a&sid="><script>'], 'https://rp.example/bye?state=s');
  assert.match(page, /<iframe src="https:\/\/rp\.example\/logout\?iss=a&amp;sid=&quot;&gt;&lt;script&gt;"/);
  assert.match(page, /id="redirect" href="https:\/\/rp\.example\/bye\?state=s"/);
  assert.doesNotMatch(page, /sid="><script>/);
});
