import { api, encodeSegment, itemsOf, type LocalizedText } from '../../api/client';

/** A year without statutory holiday data: deadlines in it are computed from weekends only. */
export type YearWarning = { year: number } & LocalizedText;

export type DayInfo = {
  date: string;
  workday: boolean;
  /** Holiday name (e.g. 国庆节) or the make-up day's reason. */
  name: string | null;
  /** A weekend day worked to make up for a holiday (调休上班). */
  makeUp: boolean;
  source: 'override' | 'package' | 'weekday';
  /** Whether the year has statutory holiday data. */
  covered: boolean;
};

export type DaysResponse = { items: DayInfo[]; warnings: YearWarning[] };

export type DeadlineResponse = {
  start: string;
  days: number;
  deadline: string;
  warnings: YearWarning[];
  skipped: DayInfo[];
};

export type CalendarOverride = {
  date: string;
  isWorkday: boolean;
  name: string;
  note: string | null;
  updatedAt: string;
};

export type CalendarYear = { year: number; source: 'package' | 'declared'; note: string | null };

export const calendarApi = {
  days: (from: string, to: string, signal?: AbortSignal): Promise<DaysResponse> =>
    api.get<DaysResponse>('/api/calendar/days', { from, to }, signal),
  deadline: (start: string, days: number): Promise<DeadlineResponse> =>
    api.get<DeadlineResponse>('/api/calendar/deadline', { start, days }),
  overrides: async (signal?: AbortSignal): Promise<CalendarOverride[]> =>
    itemsOf(
      await api.get<CalendarOverride[] | { items: CalendarOverride[] }>(
        '/api/calendar/overrides',
        undefined,
        signal,
      ),
    ),
  setOverride: (
    date: string,
    body: { isWorkday: boolean; name: string; note: string | null },
  ): Promise<CalendarOverride> =>
    api.put<CalendarOverride>(`/api/calendar/overrides/${encodeSegment(date)}`, body),
  deleteOverride: (date: string): Promise<unknown> =>
    api.delete<unknown>(`/api/calendar/overrides/${encodeSegment(date)}`),
  years: async (signal?: AbortSignal): Promise<CalendarYear[]> =>
    itemsOf(
      await api.get<CalendarYear[] | { items: CalendarYear[] }>('/api/calendar/years', undefined, signal),
    ),
  declareYear: (year: number, note: string | null): Promise<CalendarYear> =>
    api.put<CalendarYear>(`/api/calendar/years/${encodeSegment(year)}`, { note }),
  undeclareYear: (year: number): Promise<unknown> =>
    api.delete<unknown>(`/api/calendar/years/${encodeSegment(year)}`),
};
