import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useAsync, type AsyncState } from '../../components/hooks/use-async';
import type { SearchQuery } from './catalog-api';
import type { FacetName, SearchFilters, SearchResult } from './catalog-types';

/** The URL query parameter of each facet. */
export const FACET_PARAM: Record<FacetName, keyof SearchFilters> = {
  org: 'orgId',
  division: 'divisionCode',
  classification: 'classification',
  domain: 'domain',
  shareType: 'shareType',
  openType: 'openType',
  format: 'format',
  updateCycle: 'updateCycle',
};

const FILTER_KEYS: (keyof SearchFilters)[] = ['q', ...Object.values(FACET_PARAM)];
const PAGE_SIZES = [10, 20, 50, 100];

export type CatalogSearch = AsyncState<SearchResult> & {
  filters: SearchFilters;
  page: number;
  pageSize: number;
  /** Sets (or with `undefined` removes) one filter and goes back to page 1. */
  setFilter: (key: keyof SearchFilters, value: string | undefined) => void;
  clearFilters: () => void;
  setPage: (page: number, pageSize: number) => void;
};

/** Catalog search whose filters and page live in the URL query (`?q=…&domain=…&page=2`). */
export function useCatalogSearch(
  load: (q: SearchQuery, signal: AbortSignal) => Promise<SearchResult>,
): CatalogSearch {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const f: SearchFilters = {};
    for (const key of FILTER_KEYS) {
      const v = params.get(key)?.trim();
      if (v) f[key] = v;
    }
    return f;
  }, [params]);
  const page = Math.max(1, Number(params.get('page')) || 1);
  const rawSize = Number(params.get('pageSize'));
  const pageSize = PAGE_SIZES.includes(rawSize) ? rawSize : 20;

  const state = useAsync(
    (signal) => load({ ...filters, page, pageSize }, signal),
    [JSON.stringify(filters), page, pageSize],
  );

  const setFilter = useCallback(
    (key: keyof SearchFilters, value: string | undefined) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        next.delete('page');
        return next;
      });
    },
    [setParams],
  );

  const clearFilters = useCallback(() => {
    setParams((prev) => {
      const next = new URLSearchParams();
      const q = prev.get('q');
      if (q) next.set('q', q);
      return next;
    });
  }, [setParams]);

  const setPage = useCallback(
    (nextPage: number, nextSize: number) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (nextSize !== pageSize) {
          next.set('pageSize', String(nextSize));
          next.delete('page');
        } else if (nextPage > 1) next.set('page', String(nextPage));
        else next.delete('page');
        return next;
      });
    },
    [setParams, pageSize],
  );

  return { ...state, filters, page, pageSize, setFilter, clearFilters, setPage };
}
