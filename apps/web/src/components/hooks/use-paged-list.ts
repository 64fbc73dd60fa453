import { useCallback, useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import type { Page } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useAsync } from './use-async';

export type PagedList<T, F> = {
  page: Page<T>;
  loading: boolean;
  error: unknown;
  filters: F;
  /** Replaces the filters and goes back to page 1. */
  setFilters: (filters: F) => void;
  reload: () => void;
  /** Props for antd Table's `pagination`. */
  pagination: TablePaginationConfig;
};

/** State for a server-paged table: page, page size, filters, and the request that follows them. */
export function usePagedList<T, F>(
  load: (query: { page: number; pageSize: number } & F, signal: AbortSignal) => Promise<Page<T>>,
  initialFilters: F,
  initialPageSize = 20,
): PagedList<T, F> {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [filters, setFiltersState] = useState<F>(initialFilters);

  const { data, loading, error, reload } = useAsync(
    (signal) => load({ page, pageSize, ...filters }, signal),
    [page, pageSize, JSON.stringify(filters)],
  );

  const setFilters = useCallback((next: F) => {
    setFiltersState(next);
    setPage(1);
  }, []);

  const current = data ?? { items: [], total: 0, page, pageSize };
  return {
    page: current,
    loading,
    error,
    filters,
    setFilters,
    reload,
    pagination: {
      current: page,
      pageSize,
      total: current.total,
      showSizeChanger: true,
      pageSizeOptions: [10, 20, 50, 100],
      showTotal: (total) => t('table.total', { total }),
      onChange: (nextPage, nextSize) => {
        if (nextSize !== pageSize) {
          setPageSize(nextSize);
          setPage(1);
        } else {
          setPage(nextPage);
        }
      },
    },
  };
}
