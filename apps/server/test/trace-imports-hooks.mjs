// Module hooks of trace-imports.mjs: appends each loaded file: URL to the log, one per line.
import fs from 'node:fs';

let log = '';

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  if (log && url.startsWith('file:')) fs.appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
