// Lists the exported type and constant names declared in both apps/server/src and apps/web/src and
// fails when one is not allowed below: a wire shape or value list declared by hand in both apps is a
// copy waiting to drift. It belongs once in packages/contract (CONVENTIONS.md item 16), from which
// both apps import it. Run by `npm run lint`; `--list` prints every shared name with its files.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const APPS = { server: 'apps/server/src', web: 'apps/web/src' };

/**
 * Names both apps may declare: each is a different thing in each app, not one wire shape.
 * Keep this short; say why.
 */
const ALLOWED = new Map([
  // A local name for the database handle (server) and nothing on the web side is expected here;
  // listed only if it ever appears in both.
]);

const DECLARATION =
  /^export\s+(?:declare\s+)?(?:type|interface|const|let|var|enum|class|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm;

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield full;
  }
}

/** name → files of the app declaring it */
function declarations(dir) {
  const found = new Map();
  for (const file of sourceFiles(path.join(root, dir))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(DECLARATION)) {
      const files = found.get(m[1]) ?? [];
      files.push(path.relative(root, file));
      found.set(m[1], files);
    }
  }
  return found;
}

const server = declarations(APPS.server);
const web = declarations(APPS.web);
const shared = [...server.keys()].filter((name) => web.has(name)).sort();

if (process.argv.includes('--list')) {
  for (const name of shared) {
    console.log(`${name}${ALLOWED.has(name) ? ' (allowed)' : ''}`);
    for (const f of [...server.get(name), ...web.get(name)]) console.log(`  ${f}`);
  }
  console.log(`${shared.length} exported names declared in both apps`);
}

const refused = shared.filter((name) => !ALLOWED.has(name));
if (refused.length > 0) {
  console.error(
    `These exported names are declared in both apps/server/src and apps/web/src. Declare a wire shape or value list once in packages/contract and import it from there; if the two are really different things, rename one or add it to ALLOWED in scripts/check-shared-names.mjs with the reason.`,
  );
  for (const name of refused) {
    console.error(`  ${name}: ${[...server.get(name), ...web.get(name)].join(', ')}`);
  }
  process.exit(1);
}
