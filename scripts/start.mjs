// `npm start`: builds the web app if it is missing or stale, then runs the server (TypeScript via tsx).
import { register } from 'tsx/esm/api';
import { ensureWebBuild } from './web-build.mjs';

ensureWebBuild();
register();
await import('../apps/server/src/server.ts');
