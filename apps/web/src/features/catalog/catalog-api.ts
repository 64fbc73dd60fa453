import { api, download, encodeSegment, request, type Download, type LocalizedText } from '../../api/client';
import type {
  Duplicate,
  Entry,
  EntryMetadata,
  LegalBasis,
  LegalBasisInput,
  OwnEntry,
  Restriction,
  ReviewInput,
  ReviewQueueItem,
  SearchFilters,
  SearchResult,
  UpkeepFilter,
  UpkeepOverview,
  UpkeepScanResult,
  UpkeepSchedule,
  Version,
  VersionDiff,
} from './catalog-types';

export type SearchQuery = SearchFilters & { page: number; pageSize: number };

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One problem of an Excel import, where Excel shows it. */
export type XlsxIssue = {
  sheet: string;
  /** Row number as Excel shows it (1 is the header); null for the sheet as a whole. */
  row: number | null;
  /** Column letter, e.g. `J`; null for the row as a whole. */
  column: string | null;
  /** The column's header, e.g. 共享类型. */
  header: string | null;
  message: LocalizedText;
};

/** The drafts created by an import, and what they must still fix before submission. */
export type XlsxImportResult = {
  items: { id: string; name: string; row: number }[];
  warnings: XlsxIssue[];
};

const entryPath = (id: string) => `/api/catalog/entries/${encodeSegment(id)}`;

export const catalogApi = {
  // legal bases
  listLegalBases: async (all: boolean, signal?: AbortSignal): Promise<LegalBasis[]> =>
    (
      await api.get<{ items: LegalBasis[] }>(
        '/api/catalog/legal-bases',
        all ? { all: true } : undefined,
        signal,
      )
    ).items,
  createLegalBasis: (input: LegalBasisInput): Promise<LegalBasis> =>
    api.post<LegalBasis>('/api/catalog/legal-bases', input),
  updateLegalBasis: (
    id: string,
    input: Partial<LegalBasisInput> & { active?: boolean },
  ): Promise<LegalBasis> => api.patch<LegalBasis>(`/api/catalog/legal-bases/${encodeSegment(id)}`, input),

  // the sharing catalog
  search: (q: SearchQuery, signal?: AbortSignal): Promise<SearchResult> =>
    api.get<SearchResult>('/api/catalog/entries', q, signal),
  mine: async (signal?: AbortSignal): Promise<OwnEntry[]> =>
    (await api.get<{ items: OwnEntry[] }>('/api/catalog/mine', undefined, signal)).items,
  getEntry: (id: string, signal?: AbortSignal): Promise<Entry> =>
    api.get<Entry>(entryPath(id), undefined, signal),
  createEntry: (m: EntryMetadata): Promise<Entry> => api.post<Entry>('/api/catalog/entries', m),
  saveDraft: (id: string, m: EntryMetadata): Promise<Entry> => api.put<Entry>(`${entryPath(id)}/draft`, m),
  submit: (id: string, duplicateJustification: string | null): Promise<Entry> =>
    api.post<Entry>(`${entryPath(id)}/submit`, duplicateJustification ? { duplicateJustification } : {}),
  review: (id: string, input: ReviewInput): Promise<Entry> =>
    api.post<Entry>(`${entryPath(id)}/review`, input),
  revise: (id: string): Promise<Entry> => api.post<Entry>(`${entryPath(id)}/revise`),
  versions: async (id: string, signal?: AbortSignal): Promise<Version[]> =>
    (await api.get<{ items: Version[] }>(`${entryPath(id)}/versions`, undefined, signal)).items,
  diff: (id: string, from: number, to: number, signal?: AbortSignal): Promise<VersionDiff> =>
    api.get<VersionDiff>(`${entryPath(id)}/diff`, { from, to }, signal),
  duplicateCheck: async (labels: string[], signal?: AbortSignal): Promise<Duplicate[]> =>
    (
      await request<{ items: Duplicate[] }>('POST', '/api/catalog/duplicate-check', {
        body: { dataItems: labels.map((label) => ({ label })) },
        ...(signal ? { signal } : {}),
      })
    ).items,
  reviewQueue: async (signal?: AbortSignal): Promise<ReviewQueueItem[]> =>
    (await api.get<{ items: ReviewQueueItem[] }>('/api/catalog/review-queue', undefined, signal)).items,

  // upkeep (Art. 12)
  upkeep: (
    q: { orgId?: string | null; status: UpkeepFilter },
    signal?: AbortSignal,
  ): Promise<UpkeepOverview> => api.get<UpkeepOverview>('/api/catalog/upkeep', q, signal),
  setUpkeepSchedule: (input: { intervalDays: number; noticeDays: number }): Promise<UpkeepSchedule> =>
    api.put<UpkeepSchedule>('/api/catalog/upkeep/schedule', input),
  /** All or nothing; 409 `catalog_entry_outdated` when an entry cites a repealed legal basis. */
  confirmUpkeep: (entryIds: string[]): Promise<{ confirmed: number }> =>
    api.post<{ confirmed: number }>('/api/catalog/upkeep/confirmations', { entryIds }),
  /** Runs the daily upkeep check now (the city authority only). */
  scanUpkeep: (): Promise<UpkeepScanResult> => api.post<UpkeepScanResult>('/api/catalog/upkeep/scan'),

  // Excel
  xlsxTemplate: (): Promise<Download> => download('/api/catalog/xlsx/template', undefined, XLSX_MIME),
  xlsxImport: (file: Blob): Promise<XlsxImportResult> =>
    api.upload<XlsxImportResult>('/api/catalog/xlsx/import', file, XLSX_MIME),
  /** The published entries matching the search, with the query of the search itself. */
  xlsxExport: (q: SearchQuery): Promise<Download> => download('/api/catalog/xlsx/export', q, XLSX_MIME),

  // the open catalog
  searchOpen: (q: SearchQuery, signal?: AbortSignal): Promise<SearchResult> =>
    api.get<SearchResult>('/api/open/catalog', q, signal),
  restrictions: async (signal?: AbortSignal): Promise<Restriction[]> =>
    (await api.get<{ items: Restriction[] }>('/api/open/restrictions', undefined, signal)).items,
};
