import path from 'node:path';
import { Type } from 'typebox';
import { defineJob, type JobDefinition } from '../../../plugins/jobs.ts';
import { removeOrphanFiles } from '../files/files.ts';
import { removeAbandonedTempFiles } from '../temp-files.ts';
import { expireUploads } from './upload-sessions.ts';

export const UPLOAD_EXPIRY_JOB = 'provision-upload-expiry';

/**
 * Every quarter of an hour: uploads left alone for a day are removed with their bytes, and so are
 * the stored files of a files version whose server died before it committed, and temporary files no
 * live server or upload owns (temp-files.ts).
 */
export function uploadJobs(dataDir: string): JobDefinition[] {
  return [
    defineJob({
      name: UPLOAD_EXPIRY_JOB,
      payload: Type.Object({}, { additionalProperties: false }),
      cron: '*/15 * * * *',
      retryLimit: 1,
      handler: async ({ db, log }) => {
        const uploads = await expireUploads(db);
        const orphans = await removeOrphanFiles(db, path.join(dataDir, 'files'));
        const temp = await removeAbandonedTempFiles(db, dataDir);
        if (uploads + orphans + temp.directories + temp.uploadFiles > 0)
          log.info({ uploads, orphans, ...temp }, 'removed expired uploads');
        return { uploads, orphans, ...temp };
      },
    }),
  ];
}
