/**
 * `database.types.ts` is written by hand; this test holds it to a freshly migrated database on the
 * suite's backend (PGlite or PostgreSQL): every table and column of the types exists with a
 * compatible type and the same nullability, every table and column of the database is in the types,
 * and every table has an owning module in `table-owners.json` (scripts/check-architecture.mjs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/database.ts';
import { migrateToLatest } from './migrate.ts';

/** What a column's selected TypeScript type says: its kinds of value and whether it may be null. */
interface TsColumn {
  kinds: Set<string>;
  nullable: boolean;
  /** Typed `unknown`: any JSON value, null included, so its nullability says nothing. */
  unknown?: boolean;
}

/** Which PostgreSQL types (`udt_name`) each kind of TypeScript value may come from. */
const COMPATIBLE: Record<string, readonly string[]> = {
  string: ['text', 'varchar', 'bpchar', 'uuid', 'date', 'inet', 'citext', 'numeric', 'tsvector'],
  number: ['int2', 'int4', 'int8', 'float4', 'float8'],
  boolean: ['bool'],
  Date: ['timestamptz', 'timestamp'],
  json: ['json', 'jsonb'],
  'string[]': ['_text', '_varchar', '_uuid'],
  'number[]': ['_int2', '_int4', '_int8', '_float8'],
};

const DB_DIR = import.meta.dirname;

function kindsOf(checker: ts.TypeChecker, type: ts.Type, out: TsColumn): void {
  if (type.isUnion()) {
    for (const t of type.types) kindsOf(checker, t, out);
    return;
  }
  const f = type.flags;
  if (f & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) {
    out.kinds.add('json');
    out.unknown = true;
  } else if (f & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) out.nullable = true;
  else if (f & ts.TypeFlags.StringLike) out.kinds.add('string');
  else if (f & ts.TypeFlags.NumberLike) out.kinds.add('number');
  else if (f & ts.TypeFlags.BooleanLike) out.kinds.add('boolean');
  else if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    const inner: TsColumn = { kinds: new Set(), nullable: false };
    if (element) kindsOf(checker, element, inner);
    out.kinds.add(inner.kinds.size === 1 ? `${[...inner.kinds][0]}[]` : 'json');
  } else if (type.getSymbol()?.getName() === 'Date') out.kinds.add('Date');
  else out.kinds.add('json'); // objects, records and unknown: JSON values
}

/** The tables of `Database` with, for each column, what `Selectable<>` gives when it is read. */
function typesOfDatabase(): Map<string, Map<string, TsColumn>> {
  const probe = path.join(DB_DIR, '__database_types_probe__.ts');
  const probeText =
    "import type { Selectable } from 'kysely';\n" +
    "import type { Database } from './database.types.ts';\n" +
    'export type Rows = { [T in keyof Database]: Selectable<Database[T]> };\n';
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === probe ? probeText : readFile(f));
  host.fileExists = (f) => path.resolve(f) === probe || fileExists(f);
  host.getSourceFile = (f, v, onError, create) =>
    path.resolve(f) === probe
      ? ts.createSourceFile(f, probeText, v, true)
      : getSourceFile(f, v, onError, create);
  const program = ts.createProgram([probe], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe);
  if (!source) throw new Error('probe not compiled');
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (problems.length > 0)
    throw new Error(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  const alias = source.statements.find(ts.isTypeAliasDeclaration);
  if (!alias) throw new Error('probe has no Rows');
  const rows = checker.getTypeAtLocation(alias.name);
  const tables = new Map<string, Map<string, TsColumn>>();
  for (const table of checker.getPropertiesOfType(rows)) {
    const columns = new Map<string, TsColumn>();
    const row = checker.getTypeOfSymbolAtLocation(table, alias);
    for (const column of checker.getPropertiesOfType(row)) {
      const c: TsColumn = { kinds: new Set(), nullable: false };
      kindsOf(checker, checker.getTypeOfSymbolAtLocation(column, alias), c);
      columns.set(column.getName(), c);
    }
    tables.set(table.getName(), columns);
  }
  return tables;
}

interface DbColumn {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
}

/** Every difference between the database's columns and the types, as readable lines. */
function driftOf(columns: readonly DbColumn[], types: Map<string, Map<string, TsColumn>>): string[] {
  const drift: string[] = [];
  for (const c of columns) {
    const t = types.get(c.table_name)?.get(c.column_name);
    if (!t) {
      drift.push(`${c.table_name}.${c.column_name} (${c.udt_name}) is missing from the types`);
      continue;
    }
    const nullable = c.is_nullable === 'YES';
    if (t.nullable !== nullable && !t.unknown)
      drift.push(
        `${c.table_name}.${c.column_name} is ${nullable ? 'nullable' : 'not null'} but typed ${t.nullable ? 'with' : 'without'} null`,
      );
    for (const kind of t.kinds)
      if (!(COMPATIBLE[kind] ?? []).includes(c.udt_name))
        drift.push(`${c.table_name}.${c.column_name} is ${c.udt_name} but typed as ${kind}`);
    if (t.kinds.size === 0) drift.push(`${c.table_name}.${c.column_name} has no value type`);
  }
  for (const [table, cols] of types)
    for (const column of cols.keys())
      if (!columns.some((c) => c.table_name === table && c.column_name === column))
        drift.push(`${table}.${column} is typed but not in the database`);
  return drift;
}

let database: TestDatabase;
let columns: DbColumn[];
let types: Map<string, Map<string, TsColumn>>;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateToLatest(database.handle.db);
  const result = await sql<DbColumn>`
    select c.table_name, c.column_name, c.udt_name, c.is_nullable
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.table_name not in ('schema_migrations', 'schema_migrations_lock')
    order by c.table_name, c.ordinal_position`.execute(database.handle.db);
  columns = result.rows;
  types = typesOfDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('database.types.ts against a freshly migrated database', () => {
  it('names every table of the database, and only those', () => {
    const inDatabase = [...new Set(columns.map((c) => c.table_name))].sort();
    expect(inDatabase.length).toBeGreaterThan(20);
    expect([...types.keys()].sort()).toEqual(inDatabase);
  });

  it('has every column of every table, with a compatible type and the same nullability', () => {
    expect(driftOf(columns, types)).toEqual([]);
  });

  it('reports drift: a column missing on either side, another type, other nullability', () => {
    const copy = new Map([...types].map(([t, cols]) => [t, new Map(cols)]));
    const accounts = copy.get('accounts');
    if (!accounts) throw new Error('no accounts table in the types');
    accounts.delete('username');
    accounts.set('display_name', { kinds: new Set(['number']), nullable: false });
    accounts.set('phone', { kinds: new Set(['string']), nullable: false });
    accounts.set('nickname', { kinds: new Set(['string']), nullable: true });
    expect(driftOf(columns, copy).sort()).toEqual(
      [
        'accounts.username (text) is missing from the types',
        'accounts.display_name is text but typed as number',
        'accounts.phone is nullable but typed without null',
        'accounts.nickname is typed but not in the database',
      ].sort(),
    );
  });

  it('gives every table of the database an owning module (table-owners.json)', () => {
    const owners = JSON.parse(fs.readFileSync(path.join(DB_DIR, 'table-owners.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const owned = Object.entries(owners)
      .filter(([module]) => !module.startsWith('$'))
      .flatMap(([, tables]) => tables as string[])
      .sort();
    expect(owned).toEqual([...new Set(columns.map((c) => c.table_name))].sort());
  });
});
