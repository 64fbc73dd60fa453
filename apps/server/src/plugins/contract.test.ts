import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '@huitong/contract/errors';
import { Type } from 'typebox';
import { routes } from '@huitong/contract/routes';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app.ts';
import { contractPlugin, contractProblems } from './contract.ts';

describe('the contract plugin', () => {
  it('passes the whole application: every /api route is the route table’s, and every route of the table is served', async () => {
    const test = await buildTestApp();
    const { app } = test;
    try {
      // buildApp() has run app.ready(): the onRoute and onReady checks passed.
      const served = new Set(app.routeTable.map((r) => `${r.method} ${r.url}`));
      for (const key of Object.keys(routes)) expect(served, key).toContain(key);
    } finally {
      await test.close();
    }
  });

  it('names a route that is not in the table, and each schema that is not the table’s', () => {
    expect(contractProblems('GET', '/api/nowhere', {})).toEqual([
      "GET /api/nowhere is not in the contract's route table",
    ]);
    const entry = routes['GET /api/catalog/entries/:id'];
    expect(
      contractProblems('GET', '/api/catalog/entries/:id', {
        params: entry.params,
        response: entry.response,
      }),
    ).toEqual([]);
    // The same shape written again is another schema: a copy that could drift.
    const copy = Type.Object({ ...entry.response[200].properties });
    expect(
      contractProblems('GET', '/api/catalog/entries/:id', { params: entry.params, response: { 200: copy } }),
    ).toEqual(["GET /api/catalog/entries/:id: its 200 answer is not the contract's schema"]);
    expect(
      contractProblems('GET', '/api/catalog/entries/:id', {
        params: entry.params,
        querystring: Type.Object({}),
        response: { ...entry.response, 201: entry.response[200] },
      }),
    ).toEqual([
      "GET /api/catalog/entries/:id: its querystring schema is not the contract's (none)",
      'GET /api/catalog/entries/:id: its 201 answer is not in the contract',
    ]);
    expect(contractProblems('GET', '/api/catalog/entries/:id', { response: entry.response })).toEqual([
      "GET /api/catalog/entries/:id: its params schema is not the contract's (another)",
    ]);
  });

  it('stops start-up at a route whose schema is not the contract’s', async () => {
    const app = Fastify({ logger: false });
    await app.register(contractPlugin);
    await expect(
      app.register(async (api) => {
        api.get(
          '/api/health',
          { schema: { response: { 200: Type.Object({ status: Type.String() }) } } },
          () => ({
            status: 'ok',
          }),
        );
      }),
    ).rejects.toThrow(/GET \/api\/health: its 200 answer is not the contract's schema/);
    await app.close();
  });

  it('stops start-up when a route of the table is not served', async () => {
    const app = Fastify({ logger: false });
    await app.register(contractPlugin);
    await expect(app.ready()).rejects.toThrow(
      /Routes of the contract the server does not serve: GET \/api\/health/,
    );
    await app.close();
  });
});

describe('the error codes of the contract', () => {
  it('are each thrown somewhere in the server (the list names no code the web would wait for in vain)', () => {
    const src = path.resolve(import.meta.dirname, '..');
    const text = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => fs.readFileSync(path.join(src, f), 'utf8'))
      .join('\n');
    const unused = ERROR_CODES.filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });
});
