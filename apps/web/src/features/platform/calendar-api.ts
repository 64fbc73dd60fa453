import type { OverrideBody } from '@huitong/contract/platform';
import { call } from '../../api/client';

export const calendarApi = {
  days: (from: string, to: string, signal?: AbortSignal) =>
    call('GET /api/calendar/days', { query: { from, to }, signal }),
  deadline: (start: string, days: number) => call('GET /api/calendar/deadline', { query: { start, days } }),
  overrides: async (signal?: AbortSignal) => (await call('GET /api/calendar/overrides', { signal })).items,
  setOverride: (date: string, body: OverrideBody) =>
    call('PUT /api/calendar/overrides/:date', { params: { date }, body }),
  deleteOverride: (date: string) => call('DELETE /api/calendar/overrides/:date', { params: { date } }),
  years: async (signal?: AbortSignal) => (await call('GET /api/calendar/years', { signal })).items,
  declareYear: (year: number, note: string | null) =>
    call('PUT /api/calendar/years/:year', { params: { year }, body: { note } }),
  undeclareYear: (year: number) => call('DELETE /api/calendar/years/:year', { params: { year } }),
};
