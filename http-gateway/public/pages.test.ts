import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorPage, formPostPage } from './pages.js';

test('error pages escape everything they show', () => {
  const page = errorPage({ error: '<b>x</b>', error_description: '"quoted" & <script>alert(1)</script>', error_hint: "it's" });
  assert.doesNotMatch(page, /<script>|<b>/);
  assert.match(page, /&lt;script&gt;/);
  assert.match(page, /it&#39;s/);
});

test('the form_post page posts every field, escaped, to the action', () => {
  const page = formPostPage('https://app.example/cb?a=1&b="2"', { code: 'ory_ac_x', state: '"><script>' });
  assert.match(page, /action="https:\/\/app.example\/cb\?a=1&amp;b=&quot;2&quot;"/);
  assert.match(page, /name="code" value="ory_ac_x"/);
  assert.match(page, /name="state" value="&quot;&gt;&lt;script&gt;"/);
});
