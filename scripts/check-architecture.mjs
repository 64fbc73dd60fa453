// The architecture rules ESLint cannot see file by file, run by `npm run lint`:
//   1. no import cycle in the server: no file reaches itself again through its static imports, type
//      imports included (erased at run time, a cycle of types still ties two modules into one); a
//      lazy `import()` runs after start-up and does not count;
//   2. modules meet only at their index.ts: a file outside modules/<m>/ imports modules/<m>/index.ts,
//      never another of its files (a lazy `import()` may name a module's entry file, so that the
//      index does not load it eagerly); the libraries (db/, shared/, formats/, config/) import no
//      module, not even for types;
//   3. no module queries another module's tables: outside its tests, a file under modules/<m>/ names
//      no table that apps/server/src/db/table-owners.json gives to another module, neither in a
//      Kysely call (`selectFrom`, `insertInto`, `updateTable`, `deleteFrom`, `mergeInto`, the joins,
//      `sql.table`/`sql.id`) nor in the text of a raw `sql` template;
//   4. each module's SQL lives in its data-layer files: under modules/, only a repository
//      (`*.repository.ts`), a store (`*.store.ts`, the version tables), a file of SQL pieces for other
//      queries (`*.sql.ts`) or a test starts a Kysely query (`selectFrom`, `selectNoFrom`,
//      `insertInto`, `updateTable`, `deleteFrom`, `replaceInto`, `mergeInto`) or uses Kysely's `sql`
//      (a template or `sql.raw`, `sql.ref`, …). Services call the repository, passing the transaction.
// Exits 1 and names every violation. `checkArchitecture(root)` is exported for its test.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SERVER = 'apps/server';
/** Folders of the server whose files take part (tests included: a test helper may not reach inside a module). */
const ROOTS = ['src', 'test'];
/** Library folders of the server: they serve the modules and never call into one. */
const LIBRARIES = ['db', 'shared', 'formats', 'config'];

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')])
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  return null;
}

/** The imports of a file: `{ spec, target, typeOnly, dynamic, line }`. */
export function importsOf(file, text = fs.readFileSync(file, 'utf8')) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (node, spec, typeOnly, dynamic) =>
    found.push({
      spec,
      target: resolveImport(file, spec),
      typeOnly,
      dynamic,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly, false);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, typeOnly, false);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false, true);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node, node.argument.literal.text, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const TABLE_CALLS = new Set([
  'selectFrom',
  'insertInto',
  'replaceInto',
  'updateTable',
  'deleteFrom',
  'mergeInto',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'crossJoin',
  'innerJoinLateral',
  'leftJoinLateral',
  'crossJoinLateral',
  'using',
  'table',
  'id',
]);

/** The table named by a Kysely table argument: `'t'`, `'t as x'`, `'schema.t'`. */
const tableOfArgument = (text) =>
  text
    .trim()
    .split(/\s+as\s+/i)[0]
    .split('.')
    .pop();

/** The tables a file names: `{ table, line }` from Kysely calls and raw `sql` templates. */
export function tablesNamedIn(file, tables, text = fs.readFileSync(file, 'utf8')) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const words = new RegExp(`\\b(${[...tables].join('|')})\\b`, 'g');
  const strings = (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node];
    if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap(strings);
    return [];
  };
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      if (TABLE_CALLS.has(name) && node.arguments[0])
        for (const literal of strings(node.arguments[0])) {
          const table = tableOfArgument(literal.text);
          if (tables.has(table)) found.push({ table, line: lineOf(literal) });
        }
    } else if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql') {
      const parts = ts.isNoSubstitutionTemplateLiteral(node.template)
        ? [node.template]
        : [node.template.head, ...node.template.templateSpans.map((span) => span.literal)];
      for (const part of parts)
        for (const match of part.text.matchAll(words)) found.push({ table: match[1], line: lineOf(part) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A data-layer file of a module (rule 4): the only files under modules/ that build SQL. */
export const isDataLayerFile = (file) => /\.(repository|store|sql|test)\.ts$/.test(file);

const QUERY_STARTS = new Set([
  'selectFrom',
  'selectNoFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
]);

/**
 * Where a file builds SQL: `{ what, line }` for each call that starts a Kysely query and each use of
 * Kysely's `sql` (imported by name, under another name, or through a namespace import).
 */
export function sqlBuiltIn(file, text = fs.readFileSync(file, 'utf8')) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const sqlNames = new Set();
  const namespaces = new Set();
  for (const statement of source.statements) {
    if (
      !ts.isImportDeclaration(statement) ||
      !ts.isStringLiteral(statement.moduleSpecifier) ||
      statement.moduleSpecifier.text !== 'kysely' ||
      !statement.importClause ||
      statement.importClause.isTypeOnly
    )
      continue;
    const bindings = statement.importClause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else if (bindings)
      for (const e of bindings.elements)
        if ((e.propertyName ?? e.name).text === 'sql' && !e.isTypeOnly) sqlNames.add(e.name.text);
  }
  /** Whether `node` is Kysely's `sql` itself. */
  const isSql = (node) =>
    (ts.isIdentifier(node) && sqlNames.has(node.text)) ||
    (ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      namespaces.has(node.expression.text) &&
      node.name.text === 'sql');
  const found = [];
  const visit = (node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      QUERY_STARTS.has(node.expression.name.text)
    )
      found.push({ what: node.expression.name.text, line: lineOf(node.expression.name) });
    else if (ts.isTaggedTemplateExpression(node) && isSql(node.tag))
      found.push({ what: 'sql`…`', line: lineOf(node) });
    else if (ts.isPropertyAccessExpression(node) && isSql(node.expression))
      found.push({ what: `sql.${node.name.text}`, line: lineOf(node) });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
function cyclesOf(graph) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const cycles = [];
  const strongConnect = (v) => {
    const s = { index, low: index, onStack: true };
    index++;
    state.set(v, s);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      const t = state.get(w);
      if (t === undefined) {
        strongConnect(w);
        s.low = Math.min(s.low, state.get(w).low);
      } else if (t.onStack) s.low = Math.min(s.low, t.index);
    }
    if (s.low === s.index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        state.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? new Set()).has(v)) cycles.push(component);
    }
  };
  for (const v of graph.keys()) if (!state.has(v)) strongConnect(v);
  return cycles;
}

/** One path around a cycle, for the message: from `start` back to itself inside `members`. */
function cyclePath(graph, members, start) {
  const inside = new Set(members);
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const trail = [v];
        for (let p = previous.get(v); p !== null && p !== undefined; p = previous.get(p)) trail.unshift(p);
        return [...trail, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/** Where a server file sits: `{ module }` inside modules/<m>/, `{ library }` in a library folder. */
function placeOf(srcDir, file) {
  const rel = path.relative(srcDir, file).split(path.sep);
  if (rel[0] === '..') return {};
  if (rel[0] === 'modules' && rel.length > 2) return { module: rel[1], rest: rel.slice(2).join('/') };
  if (LIBRARIES.includes(rel[0])) return { library: rel[0] };
  return {};
}

/** Every violation of the rules above in the repository at `root`, as readable lines. */
export function checkArchitecture(root) {
  const server = path.join(root, SERVER);
  const srcDir = path.join(server, 'src');
  const files = ROOTS.flatMap((r) => listFiles(path.join(server, r)));
  const rel = (f) => path.relative(root, f).split(path.sep).join('/');
  const problems = [];
  const graph = new Map();

  for (const file of files) {
    const edges = new Set();
    graph.set(file, edges);
    const from = placeOf(srcDir, file);
    for (const imp of importsOf(file)) {
      if (imp.target === null) {
        if (imp.spec.startsWith('.'))
          problems.push(`${rel(file)}:${imp.line} imports ${imp.spec}, which does not exist`);
        continue;
      }
      if (!imp.dynamic) edges.add(imp.target);
      const to = placeOf(srcDir, imp.target);
      if (to.module !== undefined && to.module !== from.module && to.rest !== 'index.ts' && !imp.dynamic)
        problems.push(
          `${rel(file)}:${imp.line} imports ${imp.spec}: another module is reached only through its index.ts`,
        );
      else if (from.library !== undefined && to.module !== undefined)
        problems.push(
          `${rel(file)}:${imp.line} imports ${imp.spec}: ${from.library}/ is a library and calls no module`,
        );
    }
  }

  const ownersFile = path.join(srcDir, 'db/table-owners.json');
  const ownerOf = new Map();
  if (fs.existsSync(ownersFile))
    for (const [module, tables] of Object.entries(JSON.parse(fs.readFileSync(ownersFile, 'utf8'))))
      if (Array.isArray(tables)) for (const t of tables) ownerOf.set(t, module);
  const tables = new Set(ownerOf.keys());
  for (const file of files) {
    const from = placeOf(srcDir, file);
    if (from.module === undefined || file.endsWith('.test.ts') || tables.size === 0) continue;
    for (const { table, line } of tablesNamedIn(file, tables)) {
      if (ownerOf.get(table) === from.module) continue;
      problems.push(
        `${rel(file)}:${line} names the table ${table}, which belongs to modules/${ownerOf.get(table)}: call its index.ts`,
      );
    }
  }

  for (const file of files) {
    if (placeOf(srcDir, file).module === undefined || isDataLayerFile(file)) continue;
    for (const { what, line } of sqlBuiltIn(file))
      problems.push(
        `${rel(file)}:${line} builds SQL (${what}): a module's queries live in its data-layer files (*.repository.ts, *.store.ts, *.sql.ts)`,
      );
  }

  for (const members of cyclesOf(graph)) {
    const start = [...members].sort()[0];
    problems.push(`import cycle: ${cyclePath(graph, members, start).map(rel).join(' → ')}`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkArchitecture(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`\n✖ ${problems.length} architecture problem(s)`);
    process.exit(1);
  }
  console.log(
    "✔ architecture: no import cycle, modules meet at their index.ts, none queries another's tables, SQL only in data-layer files",
  );
}
