// Preloaded with `node --import` by server-process.ts: records the URL of every module the server
// process loads in the file named by HUITONG_TEST_IMPORT_LOG (tests read it to prove what was never
// imported, e.g. the demo with HUITONG_DEMO=0). The hooks run on Node's loader thread.
import { register } from 'node:module';

register('./trace-imports-hooks.mjs', import.meta.url, {
  data: { log: process.env.HUITONG_TEST_IMPORT_LOG },
});
