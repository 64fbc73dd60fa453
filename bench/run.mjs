// `npm run bench`: runs the benchmarks in bench/ one after the other and stops at the first failure.
//
//   npm run bench                               every benchmark with its defaults
//   npm run bench -- catalog-search             one benchmark
//   npm run bench -- catalog-search --backend postgres --requests 2000
//                                               options after the name go to that benchmark
//
// Each benchmark is bench/<name>/run.ts, run with tsx; it prints Markdown and rewrites its own
// section of docs/benchmarks.md (pass --no-write to leave the file alone).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const all = fs
  .readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(here, d.name, 'run.ts')))
  .map((d) => d.name)
  .sort();

const [first, ...rest] = process.argv.slice(2);
const selected = first && !first.startsWith('-') ? [first] : all;
const passed = first && !first.startsWith('-') ? rest : process.argv.slice(2);
for (const name of selected) {
  if (!all.includes(name)) {
    console.error(`No benchmark "${name}" (bench/<name>/run.ts). Available: ${all.join(', ')}`);
    process.exit(2);
  }
}

const tsx = path.join(here, '..', 'node_modules', '.bin', 'tsx');
for (const name of selected) {
  console.error(`\n▶ bench/${name} ${passed.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(tsx, [path.join(here, name, 'run.ts'), ...passed], {
    stdio: 'inherit',
    env: {
      ...process.env,
      // Benchmarks may collect garbage before reading the heap.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' '),
      HUITONG_BENCH_COMMAND: ['npm run bench --', name, ...passed].join(' '),
    },
  });
  if (r.status !== 0) {
    console.error(`\n✖ bench/${name} failed`);
    process.exit(r.status ?? 1);
  }
  console.error(`✔ bench/${name} (${((Date.now() - started) / 60000).toFixed(1)} min)`);
}
