import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app.ts';
import { LazySchemas } from './lazy-schemas.ts';

describe('deferred compilation', () => {
  it('compiles on the first call only, and compileAll() compiles what is still pending', () => {
    const lazy = new LazySchemas();
    let a = 0;
    let b = 0;
    const first = lazy.defer(() => ++a);
    const second = lazy.defer(() => ++b);
    expect([a, b]).toEqual([0, 0]);
    expect(first()).toBe(1);
    expect(first()).toBe(1);
    expect(lazy.compileAll()).toBe(1);
    expect([a, b]).toEqual([1, 1]);
    expect(second()).toBe(1);
    expect(lazy.compileAll()).toBe(0);
  });

  it('surfaces a schema that cannot compile', () => {
    const lazy = new LazySchemas();
    lazy.defer(() => {
      throw new Error('bad schema');
    });
    expect(() => lazy.compileAll()).toThrow('bad schema');
  });
});

describe('the whole app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('starts without compiling its routes’ schemas; every one of them compiles', async () => {
    // A request compiles only its route's validators and the serializer of the status it answers.
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    // Hundreds left: every request part and response status of every other route.
    expect(t.app.lazySchemas.compileAll()).toBeGreaterThan(300);
    expect(t.app.lazySchemas.compileAll()).toBe(0);
  });

  it('validates and serializes as before: a bad query is a 400 naming the field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/open/catalog?page=0' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toContain('page');
  });

  it('compiles a serializer that drops what the response schema does not declare', async () => {
    const lazy = new LazySchemas();
    const compiler = lazy.serializerFactory()(undefined, {});
    const serialize = compiler({
      method: 'GET',
      url: '/x',
      httpStatus: '200',
      schema: Type.Object({ a: Type.String() }),
    });
    expect(lazy.compileAll()).toBe(1);
    expect(serialize({ a: 'kept', secret: 'dropped' })).toBe('{"a":"kept"}');
  });
});
