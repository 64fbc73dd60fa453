/** Creates the database named in `url` unless it exists; true when it created it (scripts/ensure-database.mjs). */
export function ensureDatabase(url: string, options?: { connectionTimeoutMillis?: number }): Promise<boolean>;
