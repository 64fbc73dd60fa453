/**
 * The SQL of the quality watch's own table: the notices already sent (one per entry, kind and
 * subject), so that the daily scan tells of each problem once. The data it judges are read through
 * provision's and catalog's index.ts.
 */
import type { Db } from '../../db/database.ts';

/** Records the notices; answers those not sent before. */
export async function insertNewNotices(
  db: Db,
  notices: readonly { entry_id: string; kind: string; subject: string }[],
) {
  return db
    .insertInto('provision_quality_notices')
    .values([...notices])
    .onConflict((oc) => oc.columns(['entry_id', 'kind', 'subject']).doNothing())
    .returning(['entry_id', 'kind', 'subject'])
    .execute();
}
