import { XLSX_MIME } from '@huitong/contract/values';
import { call, download, upload, type Download } from '../../api/client';
import type {
  CreateLegalBasisBody,
  EntryMetadata,
  ReviewBody,
  SearchQuery,
  UpkeepQuery,
} from '@huitong/contract/catalog';

export { XLSX_MIME };

export const catalogApi = {
  // legal bases
  listLegalBases: async (all: boolean, signal?: AbortSignal) =>
    (await call('GET /api/catalog/legal-bases', { query: all ? { all: true } : {}, signal })).items,
  createLegalBasis: (input: CreateLegalBasisBody) => call('POST /api/catalog/legal-bases', { body: input }),
  updateLegalBasis: (id: string, input: Partial<CreateLegalBasisBody> & { active?: boolean }) =>
    call('PATCH /api/catalog/legal-bases/:id', { params: { id }, body: input }),

  // the sharing catalog
  search: (q: SearchQuery, signal?: AbortSignal) => call('GET /api/catalog/entries', { query: q, signal }),
  mine: async (signal?: AbortSignal) => (await call('GET /api/catalog/mine', { signal })).items,
  getEntry: (id: string, signal?: AbortSignal) =>
    call('GET /api/catalog/entries/:id', { params: { id }, signal }),
  createEntry: (m: EntryMetadata) => call('POST /api/catalog/entries', { body: m }),
  saveDraft: (id: string, m: EntryMetadata) =>
    call('PUT /api/catalog/entries/:id/draft', { params: { id }, body: m }),
  submit: (id: string, duplicateJustification: string | null) =>
    call('POST /api/catalog/entries/:id/submit', {
      params: { id },
      body: duplicateJustification ? { duplicateJustification } : {},
    }),
  review: (id: string, input: ReviewBody) =>
    call('POST /api/catalog/entries/:id/review', { params: { id }, body: input }),
  revise: (id: string) => call('POST /api/catalog/entries/:id/revise', { params: { id } }),
  versions: async (id: string, signal?: AbortSignal) =>
    (await call('GET /api/catalog/entries/:id/versions', { params: { id }, signal })).items,
  diff: (id: string, from: number, to: number, signal?: AbortSignal) =>
    call('GET /api/catalog/entries/:id/diff', {
      params: { id },
      query: { from, to },
      ...{ signal },
    }),
  duplicateCheck: async (labels: string[], signal?: AbortSignal) =>
    (
      await call('POST /api/catalog/duplicate-check', {
        body: { dataItems: labels.map((label) => ({ label })) },
        ...{ signal },
      })
    ).items,
  reviewQueue: async (signal?: AbortSignal) =>
    (await call('GET /api/catalog/review-queue', { signal })).items,

  // upkeep (Art. 12)
  upkeep: (q: UpkeepQuery, signal?: AbortSignal) => call('GET /api/catalog/upkeep', { query: q, signal }),
  setUpkeepSchedule: (input: { intervalDays: number; noticeDays: number }) =>
    call('PUT /api/catalog/upkeep/schedule', { body: input }),
  /** All or nothing; 409 `catalog_entry_outdated` when an entry cites a repealed legal basis. */
  confirmUpkeep: (entryIds: string[]) =>
    call('POST /api/catalog/upkeep/confirmations', { body: { entryIds } }),
  /** Runs the daily upkeep check now (the city authority only). */
  scanUpkeep: () => call('POST /api/catalog/upkeep/scan'),

  // Excel
  xlsxTemplate: (): Promise<Download> => download('GET /api/catalog/xlsx/template', XLSX_MIME),
  xlsxImport: (file: Blob) => upload('POST /api/catalog/xlsx/import', { data: file, contentType: XLSX_MIME }),
  /** The published entries matching the search, with the query of the search itself. */
  xlsxExport: (q: SearchQuery): Promise<Download> =>
    download('GET /api/catalog/xlsx/export', XLSX_MIME, { query: q }),

  // the open catalog
  searchOpen: (q: SearchQuery, signal?: AbortSignal) => call('GET /api/open/catalog', { query: q, signal }),
  restrictions: async (signal?: AbortSignal) => (await call('GET /api/open/restrictions', { signal })).items,
};
