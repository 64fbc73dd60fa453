import { api, encodeSegment, type LocalizedText } from '../../api/client';
import type { Encoding } from './provision-api';

export type ConnectorKind = 'http' | 'postgres' | 'mysql';
export const CONNECTOR_KINDS: ConnectorKind[] = ['http', 'postgres', 'mysql'];
export type ConnectorSchedule = 'cycle' | 'cron' | 'manual';
export const HTTP_FORMATS = ['csv', 'json', 'ndjson', 'geojson'] as const;
export type HttpFormat = (typeof HTTP_FORMATS)[number];
export type RunState = 'running' | 'succeeded' | 'failed';

/** A pull connector as the server answers it: never its secret, only whether one is stored. */
export type Connector = {
  id: string;
  entryId: string;
  kind: ConnectorKind;
  url: string | null;
  format: HttpFormat | null;
  encoding: Encoding | null;
  delimiter: string | null;
  headerName: string | null;
  host: string | null;
  port: number | null;
  database: string | null;
  user: string | null;
  query: string | null;
  mapping: Record<string, string>;
  hasSecret: boolean;
  secretUpdatedAt: string | null;
  schedule: ConnectorSchedule;
  cron: string | null;
  effectiveCron: string | null;
  updateCycle: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastState: RunState | null;
  consecutiveFailures: number;
  failing: boolean;
  failingSince: string | null;
  lastError: LocalizedText | null;
  createdAt: string;
  updatedAt: string;
};

export type ConnectorInput = {
  kind: ConnectorKind;
  enabled: boolean;
  schedule: ConnectorSchedule;
  cron?: string | null;
  url?: string | null;
  format?: HttpFormat | null;
  encoding?: Encoding | null;
  headerName?: string | null;
  host?: string | null;
  port?: number | null;
  database?: string | null;
  user?: string | null;
  query?: string | null;
  mapping?: Record<string, string>;
  secret?: string;
  clearSecret?: boolean;
};

export type ConnectorRun = {
  id: string;
  connectorId: string;
  trigger: 'schedule' | 'retry' | 'manual';
  attempt: number;
  state: RunState;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rowCount: number | null;
  excludedRowCount: number | null;
  byteCount: number | null;
  versionId: string | null;
  error: { code: string; message: LocalizedText; detail: string | null } | null;
};

export type AllowEntry = {
  id: string;
  host: string;
  portFrom: number | null;
  portTo: number | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
};

export type AllowEntryInput = {
  host: string;
  portFrom: number | null;
  portTo: number | null;
  note: string | null;
};

const base = (entryId: string) => `/api/provision/entries/${encodeSegment(entryId)}/connectors`;
const one = (entryId: string, id: string) => `${base(entryId)}/${encodeSegment(id)}`;
const ALLOW = '/api/provision/connector-allow-list';

export const connectorsApi = {
  list: async (entryId: string, signal?: AbortSignal): Promise<Connector[]> =>
    (await api.get<{ items: Connector[] }>(base(entryId), undefined, signal)).items,
  create: (entryId: string, input: ConnectorInput): Promise<Connector> =>
    api.post<Connector>(base(entryId), input),
  update: (entryId: string, id: string, input: ConnectorInput): Promise<Connector> =>
    api.put<Connector>(one(entryId, id), input),
  remove: (entryId: string, id: string): Promise<void> => api.delete<void>(one(entryId, id)),
  run: (entryId: string, id: string): Promise<{ queued: true } | { queued: false; run: ConnectorRun }> =>
    api.post(`${one(entryId, id)}/run`),
  runs: async (entryId: string, id: string, signal?: AbortSignal): Promise<ConnectorRun[]> =>
    (await api.get<{ items: ConnectorRun[] }>(`${one(entryId, id)}/runs`, { limit: 20 }, signal)).items,
  allowList: async (signal?: AbortSignal): Promise<AllowEntry[]> =>
    (await api.get<{ items: AllowEntry[] }>(ALLOW, undefined, signal)).items,
  addAllowed: (input: AllowEntryInput): Promise<AllowEntry> => api.post<AllowEntry>(ALLOW, input),
  updateAllowed: (id: string, input: AllowEntryInput): Promise<AllowEntry> =>
    api.put<AllowEntry>(`${ALLOW}/${encodeSegment(id)}`, input),
  removeAllowed: (id: string): Promise<void> => api.delete<void>(`${ALLOW}/${encodeSegment(id)}`),
};
