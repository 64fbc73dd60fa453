// The PostgreSQL server a benchmark creates its databases on (--pg-url names its maintenance database).
import pg from 'pg';

export function postgresServer(pgUrl: string): {
  /** The URL of database `name` on that server. */
  dbUrl: (name: string) => string;
  /** Runs `fn` on a connection to the maintenance database, closed afterwards. */
  admin: <T>(fn: (c: pg.Client) => Promise<T>) => Promise<T>;
} {
  return {
    dbUrl(name) {
      const url = new URL(pgUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async admin(fn) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    },
  };
}
