/**
 * The headers that static hosts serve (public/_headers) agree with the policy the built page
 * carries as a <meta>: the same Content-Security-Policy plus frame-ancestors, which only a header
 * can set. The built output itself is checked in tests/e2e/subpath.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, STATIC_HEADERS, headersFileRule } from '../../vite.config';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('public/_headers', () => {
  it("sends the <meta> policy plus frame-ancestors 'none', nosniff and no referrer", () => {
    const headers = headersFileRule(readFileSync(path.join(ROOT, 'public/_headers'), 'utf8'));
    expect(headers['Content-Security-Policy']).toBe(
      `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
    );
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    // vite preview sends the same headers.
    expect(STATIC_HEADERS).toEqual(headers);
  });

  it('headersFileRule reads one rule, skipping comments and other paths', () => {
    const text = [
      '# a comment',
      '/assets/*',
      '  Cache-Control: max-age=31536000',
      '/*',
      '  # an indented comment',
      '  X-A: 1',
      '  X-B: a: b',
      '',
      '/other',
      '  X-A: 2',
    ].join('\n');
    expect(headersFileRule(text)).toEqual({ 'X-A': '1', 'X-B': 'a: b' });
    expect(headersFileRule(text, '/assets/*')).toEqual({ 'Cache-Control': 'max-age=31536000' });
    expect(headersFileRule(text, '/missing')).toEqual({});
  });
});
