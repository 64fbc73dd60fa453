/** apps/server/dist, where `npm start` runs the built server from (scripts/server-build.mjs). */
export const SERVER_DIST: string;
/** The built server's entry point, apps/server/dist/server.js. */
export const SERVER_ENTRY: string;
/** The hash of everything the server bundle is made from. */
export function serverSourceHash(): string;
/** Whether apps/server/dist is missing or was built from other sources. */
export function serverBuildNeeded(): boolean;
/** Builds the server into `outdir` (default apps/server/dist; another must lie inside apps/server). */
export function buildServer(options?: { outdir?: string }): Promise<void>;
