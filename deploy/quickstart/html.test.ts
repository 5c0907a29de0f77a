import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { html, page, raw, webUri } from './html.js';

describe('quickstart HTML', () => {
  it('escapes every interpolated value, so a client name cannot inject markup', () => {
    const name = '<img src=x onerror="alert(1)">';
    assert.equal(html`<p title="${name}">${name}</p>`.__html, '<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>');
    assert.equal(html`<ul>${['a&b', raw('<li>ok</li>')]}</ul>`.__html, '<ul>a&amp;b<li>ok</li></ul>');
    assert.equal(html`${undefined}${false}${0}`.__html, '0');
  });

  it('pages declare their language and charset and carry one title', () => {
    const doc = page('Sign in & more', html`<h1>Hi</h1>`);
    assert.match(doc, /^<!doctype html>\n<html lang="en">/);
    assert.match(doc, /<meta charset="utf-8">/);
    assert.match(doc, /<title>Sign in &amp; more<\/title>/);
  });

  it('lets only http(s) client URIs into an href or src, as the browser reads them', () => {
    assert.equal(webUri('https://app.example/policy'), 'https://app.example/policy');
    assert.equal(webUri('http://127.0.0.1:5555/logo.svg'), 'http://127.0.0.1:5555/logo.svg');
    for (const uri of ['javascript:alert(1)', ' java\tscript:alert(1)', 'data:text/html,x', '/relative', '', undefined]) assert.equal(webUri(uri), undefined, String(uri));
  });
});
