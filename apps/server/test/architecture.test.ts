import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// scripts/check-architecture.mjs (run by `npm run lint`) on small made-up repositories: each rule
// passes a tree that keeps it and fails, naming the file, on one that breaks it.
const SCRIPT = path.resolve(import.meta.dirname, '../../../scripts/check-architecture.mjs');
const made: string[] = [];

function repo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'huitong-arch-'));
  made.push(root);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, 'apps/server', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return root;
}

function check(root: string) {
  const r = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

afterEach(() => {
  for (const root of made.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

// A tree that keeps every rule: two modules meeting at their index, a plugin, a library.
const GOOD = {
  'src/app.ts': "import { orgModule } from './modules/org/index.ts';\nexport const modules = [orgModule];\n",
  'src/plugins/auth.ts':
    "import type { Principal } from '../shared/principal.ts';\nexport type P = Principal;\n",
  'src/shared/principal.ts': 'export type Principal = { id: string };\n',
  'src/modules/org/index.ts':
    "import { orgRoutes } from './org.routes.ts';\nexport const orgModule = { plugin: orgRoutes };\nexport { findOrg } from './org.service.ts';\n",
  'src/modules/org/org.routes.ts': "import '../../plugins/auth.ts';\nexport const orgRoutes = 1;\n",
  'src/modules/org/org.service.ts':
    "import { audit } from '../security/index.ts';\nexport const findOrg = audit;\n",
  'src/modules/security/index.ts': "export { audit } from './audit/audit.service.ts';\n",
  'src/modules/security/audit/audit.service.ts':
    "import type { Principal } from '../../../shared/principal.ts';\nimport { helper } from '../masking.ts';\nexport const audit = (p?: Principal) => helper(p);\n",
  'src/modules/security/masking.ts': 'export const helper = (x: unknown) => x;\n',
  'src/formats/csv.ts':
    "import type { Principal } from '../shared/principal.ts';\nexport type F = Principal;\n",
};

describe('check-architecture', () => {
  it('passes a tree that keeps the rules', () => {
    const r = check(repo(GOOD));
    expect(r.output).toContain('no import cycle');
    expect(r.status).toBe(0);
  });

  it('fails on an import cycle, naming its files in order', () => {
    // plugins/auth.ts → org/index.ts → org.routes.ts → plugins/auth.ts, the cycle issue 11 found.
    const r = check(
      repo({
        ...GOOD,
        'src/plugins/auth.ts':
          "import { findOrg } from '../modules/org/index.ts';\nexport const p = findOrg;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'import cycle: apps/server/src/modules/org/index.ts → apps/server/src/modules/org/org.routes.ts → apps/server/src/plugins/auth.ts → apps/server/src/modules/org/index.ts',
    );
  });

  it('counts type-only imports in cycles, not a lazy import()', () => {
    const typeCycle = check(
      repo({
        ...GOOD,
        'src/plugins/auth.ts':
          "import type { findOrg } from '../modules/org/index.ts';\nexport type F = typeof findOrg;\n",
      }),
    );
    expect(typeCycle.status).toBe(1);
    expect(typeCycle.output).toContain('import cycle: apps/server/src/modules/org/index.ts');
    const lazy = check(
      repo({
        ...GOOD,
        'src/plugins/auth.ts': "export const later = () => import('../modules/org/index.ts');\n",
      }),
    );
    expect(lazy.output).toContain('no import cycle');
    expect(lazy.status).toBe(0);
  });

  it('fails when a library imports a module, even for a type', () => {
    const r = check(
      repo({
        ...GOOD,
        'src/formats/csv.ts':
          "import type { findOrg } from '../modules/org/index.ts';\nexport type F = typeof findOrg;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'apps/server/src/formats/csv.ts:1 imports ../modules/org/index.ts: formats/ is a library',
    );
  });

  it('fails when a module reaches past another module’s index.ts', () => {
    const r = check(
      repo({
        ...GOOD,
        'src/modules/org/org.service.ts':
          "import { helper } from '../security/masking.ts';\nexport const findOrg = helper;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'apps/server/src/modules/org/org.service.ts:1 imports ../security/masking.ts: another module is reached only through its index.ts',
    );
  });

  it('fails when a file outside the modules, or a test helper, reaches inside one', () => {
    const r = check(
      repo({
        ...GOOD,
        'src/app.ts':
          "import { orgRoutes } from './modules/org/org.routes.ts';\nexport const r = orgRoutes;\n",
        'test/helpers.ts':
          "import { helper } from '../src/modules/security/masking.ts';\nexport const h = helper;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain('apps/server/src/app.ts:1 imports ./modules/org/org.routes.ts');
    expect(r.output).toContain('apps/server/test/helpers.ts:1 imports ../src/modules/security/masking.ts');
  });

  it('fails when a library calls a module', () => {
    const r = check(
      repo({
        ...GOOD,
        'src/formats/csv.ts':
          "import { findOrg } from '../modules/org/index.ts';\nexport const f = findOrg;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'apps/server/src/formats/csv.ts:1 imports ../modules/org/index.ts: formats/ is a library and calls no module',
    );
  });

  it('fails on an import of a file that does not exist', () => {
    const r = check(
      repo({ ...GOOD, 'src/app.ts': "import { x } from './nowhere.ts';\nexport const y = x;\n" }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain('apps/server/src/app.ts:1 imports ./nowhere.ts, which does not exist');
  });

  // Table ownership: org owns organisations, catalog owns catalog_entries.
  const OWNED = {
    ...GOOD,
    'src/db/table-owners.json': JSON.stringify({ org: ['organisations'], catalog: ['catalog_entries'] }),
    'src/modules/catalog/index.ts': "export { search } from './catalog.repository.ts';\n",
    'src/modules/catalog/catalog.repository.ts':
      "import { sql } from 'kysely';\nexport const search = (db: any) => db.selectFrom('catalog_entries as e').select(sql`(select count(*) from catalog_entries)`);\n",
  };

  it('passes when each module names only its own tables', () => {
    const r = check(repo(OWNED));
    expect(r.output).toContain("none queries another's tables");
    expect(r.status).toBe(0);
  });

  it.each([
    ['a selectFrom', "db.selectFrom('organisations').selectAll()"],
    [
      'a join with an alias',
      "db.selectFrom('catalog_entries as e').innerJoin('organisations as o', 'o.id', 'e.org_id')",
    ],
    [
      'a left join of a qualified name',
      "db.selectFrom('catalog_entries').leftJoin('public.organisations', 'a', 'b')",
    ],
    ['an update', "db.updateTable('organisations').set({ name: 'x' })"],
    ['an insert', "db.insertInto('organisations').values({})"],
    ['a delete', "db.deleteFrom('organisations')"],
    ['a raw sql template', 'sql`select id from organisations where id = ${id} for update`'],
  ])('fails on another module’s table in %s, naming file, line and owner', (_, call) => {
    const r = check(
      repo({
        ...OWNED,
        'src/modules/catalog/catalog.repository.ts': `import { sql } from 'kysely';\nexport const search = (db: any, id: string) =>\n  ${call};\n`,
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'apps/server/src/modules/catalog/catalog.repository.ts:3 names the table organisations, which belongs to modules/org',
    );
  });

  it('lets tests arrange other modules’ tables', () => {
    const r = check(
      repo({
        ...OWNED,
        'src/modules/catalog/catalog.test.ts':
          "export const t = (db: any) => db.insertInto('organisations').values({});\n",
      }),
    );
    expect(r.status).toBe(0);
  });

  // SQL only in data-layer files: a repository, a store, SQL pieces, a test.
  it('passes when only data-layer files of a module build SQL', () => {
    const r = check(
      repo({
        ...OWNED,
        'src/modules/catalog/catalog.service.ts':
          "import { search } from './catalog.repository.ts';\nexport const find = (db: any) => db.transaction().execute((trx: any) => search(trx));\n",
        'src/modules/catalog/versions.store.ts':
          "import { sql } from 'kysely';\nexport const drop = (db: any, t: string) => sql`drop table ${sql.id(t)}`.execute(db);\n",
        'src/modules/catalog/search-text.sql.ts':
          "import { sql as s } from 'kysely';\nexport const match = (q: string) => s<boolean>`search @@ to_tsquery(${q})`;\n",
        'src/modules/catalog/catalog.service.test.ts':
          "import { sql } from 'kysely';\nexport const t = (db: any) => sql`select 1`.execute(db).then(() => db.deleteFrom('catalog_entries').execute());\n",
        // Outside the modules (migrations, the job queue's tables) SQL is not a module's.
        'src/db/migrations/0001_init.ts':
          "import { sql } from 'kysely';\nexport const up = (db: any) => sql`create table t (id int)`.execute(db);\n",
        // Neither a property nor a tag named `sql` that is not Kysely's builds a query.
        'src/modules/catalog/catalog.source.ts':
          "const sql = (parts: TemplateStringsArray) => parts.join('');\nexport const source = { sql: 'select 1', text: sql`select 1` };\n",
      }),
    );
    expect(r.output).toContain('SQL only in data-layer files');
    expect(r.status).toBe(0);
  });

  it.each([
    ['a selectFrom', "db.selectFrom('catalog_entries').selectAll().execute()", 'selectFrom'],
    ['a selectNoFrom', "db.selectNoFrom((eb: any) => eb.val(1).as('x')).execute()", 'selectNoFrom'],
    ['an insertInto', "trx.insertInto('catalog_entries').values({}).execute()", 'insertInto'],
    ['an updateTable', "trx.updateTable('catalog_entries').set({}).execute()", 'updateTable'],
    ['a deleteFrom', "trx.deleteFrom('catalog_entries').execute()", 'deleteFrom'],
    ['a replaceInto', "trx.replaceInto('catalog_entries').values({}).execute()", 'replaceInto'],
    ['a mergeInto', "trx.mergeInto('catalog_entries').using('x', 'a', 'b')", 'mergeInto'],
    ['a raw sql template', 'sql`select id from catalog_entries for update`.execute(trx)', 'sql`…`'],
    ['a typed sql template', 'sql<number>`select 1`.execute(trx)', 'sql`…`'],
    ['sql.raw', 'sql.raw(`select 1`).execute(trx)', 'sql.raw'],
    ['sql under another name', 'raw`select 1`.execute(trx)', 'sql`…`'],
    ['sql through a namespace import', 'k.sql`select 1`.execute(trx)', 'sql`…`'],
  ])('fails on a service that builds SQL: %s, naming file, line and what', (_, call, what) => {
    const r = check(
      repo({
        ...OWNED,
        'src/modules/catalog/catalog.service.ts': `import { sql, sql as raw } from 'kysely';\nimport * as k from 'kysely';\nexport const lock = (trx: any) =>\n  ${call};\nexport const unused = [sql, raw, k];\n`,
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      `apps/server/src/modules/catalog/catalog.service.ts:4 builds SQL (${what}): a module's queries live in its data-layer files (*.repository.ts, *.store.ts, *.sql.ts)`,
    );
  });

  it('fails on a demo loader or helper of a module that builds SQL: only the file names make a data-layer file', () => {
    const r = check(
      repo({
        ...OWNED,
        'src/modules/catalog/demo-loader.ts':
          "export const load = (db: any) => db.insertInto('catalog_entries').values({}).execute();\n",
        'src/modules/catalog/repository-helpers.ts':
          "export const q = (db: any) => db.selectFrom('catalog_entries').selectAll();\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.output).toContain('apps/server/src/modules/catalog/demo-loader.ts:1 builds SQL (insertInto)');
    expect(r.output).toContain(
      'apps/server/src/modules/catalog/repository-helpers.ts:1 builds SQL (selectFrom)',
    );
  });

  it('passes on this repository', () => {
    const r = check(path.resolve(import.meta.dirname, '../../..'));
    expect(r.output).toContain('no import cycle');
    expect(r.status).toBe(0);
  });
});
