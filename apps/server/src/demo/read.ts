import fs from 'node:fs';
import path from 'node:path';
import { DEMO_DIR } from '../shared/paths.ts';

/** The path of a demo data file (relative to apps/server/demo). */
export function demoPath(file: string): string {
  return path.join(DEMO_DIR, file);
}

/** Reads one of the demo's JSON files. Its shape is checked by the demo tests, not at run time. */
export function readDemoJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(demoPath(file), 'utf8')) as T;
}
