import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useAsync, type AsyncState } from '../../components/hooks/use-async';
import type { SearchQuery } from '@huitong/contract/catalog';
import type { SearchResult } from '@huitong/contract/catalog';
import {
  CLASSIFICATIONS,
  FORMATS,
  OPEN_TYPES,
  SHARE_TYPES,
  UPDATE_CYCLES,
  type FacetName,
} from '@huitong/contract/values';

/** The search filters, as they appear in the URL query (values checked by the server). */
export type SearchFilters = Partial<Record<Exclude<keyof SearchQuery, 'page' | 'pageSize'>, string>>;

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

/** The value of an enumerated filter when it is one of the list (a hand-edited URL may hold anything). */
const oneOf = <T extends string>(list: readonly T[], value: string | undefined): T | undefined =>
  list.find((v) => v === value);

/** The API query of the URL's filters and page; enumerated filters the server would refuse are left out. */
export function searchQueryOf(filters: SearchFilters, page: number, pageSize: number): SearchQuery {
  return {
    q: filters.q,
    orgId: filters.orgId,
    divisionCode: filters.divisionCode,
    domain: filters.domain,
    classification: oneOf(CLASSIFICATIONS, filters.classification),
    shareType: oneOf(SHARE_TYPES, filters.shareType),
    openType: oneOf(OPEN_TYPES, filters.openType),
    format: oneOf(FORMATS, filters.format),
    updateCycle: oneOf(UPDATE_CYCLES, filters.updateCycle),
    page,
    pageSize,
  };
}

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
    (signal) => load(searchQueryOf(filters, page, pageSize), signal),
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
