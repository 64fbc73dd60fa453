import { sql, type Kysely } from 'kysely';

/**
 * Connector runs used to keep the source's own error text as `detail` (a database driver's message,
 * an HTTP error answer's body), which can carry data values from the source (issue 10). Runs now
 * keep only an error code there; this removes what earlier runs kept, in the run history and in
 * each connector's last error.
 */
const RAW = sql`('connector_query_failed', 'connector_http_status', 'connector_http_unreachable',
  'connector_http_interrupted', 'connector_failed')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`update connector_runs set error = jsonb_set(error, '{detail}', 'null'::jsonb)
    where error is not null and error->>'code' in ${RAW} and error->>'detail' is not null`.execute(db);
  await sql`update connectors set last_error = jsonb_set(last_error, '{detail}', 'null'::jsonb)
    where last_error is not null and last_error->>'code' in ${RAW} and last_error->>'detail' is not null`.execute(
    db,
  );
}
