/**
 * The API documentation's content security policy (issue 11): Swagger UI's one inline style was
 * refused by it. The docs pages allow that style by its hash only — no 'unsafe-inline', no source
 * outside this server — and the rest of the app keeps its own policy. (The end-to-end spec
 * anonymous-visit.e2e.ts renders the page in Chromium and fails on any CSP refusal.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app.ts';
import { DOCS_CSP, SWAGGER_UI_INLINE_STYLE } from './openapi.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const cspOf = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  expect(res.statusCode, url).toBeLessThan(400);
  return String(res.headers['content-security-policy'] ?? '');
};

describe('the API docs’ content security policy', () => {
  it('allows Swagger UI’s one inline style by its hash, nothing more', async () => {
    for (const url of [
      '/api/docs/',
      '/api/docs/static/index.html',
      '/api/docs/static/swagger-initializer.js',
    ]) {
      const csp = await cspOf(url);
      expect(csp, url).toBe(DOCS_CSP);
      expect(csp).toContain(`style-src 'self' ${SWAGGER_UI_INLINE_STYLE}`);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https:|\*/);
      expect(csp).toContain("script-src 'self'");
    }
  });

  it('leaves the rest of the app its own policy', async () => {
    const csp = await cspOf('/api/health');
    expect(csp).not.toContain(SWAGGER_UI_INLINE_STYLE);
    expect(csp).toContain("default-src 'self'");
  });
});
