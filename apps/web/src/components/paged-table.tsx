import { Table, type TablePaginationConfig, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../app/i18n';
import type { PagedList } from './hooks/use-paged-list';
import { LoadError } from './load-error';
import { rowTestId as rowTestIdOf } from './row-test-id';

/** What a server-paged table needs of `usePagedList`: the page, its state and its pagination. */
export type ServerPages<T> = Pick<
  PagedList<T, unknown>,
  'page' | 'loading' | 'error' | 'reload' | 'pagination'
>;

/** Rows held by the page, paged here. */
export type LocalPages<T> = {
  rows: readonly T[];
  loading?: boolean;
  /** Rows a page (default 20). */
  pageSize?: number;
  /** "共 N 条" beside the pages (default true). */
  showTotal?: boolean;
  /** No pager when everything fits on one page (default true). */
  hideOnSinglePage?: boolean;
  showSizeChanger?: boolean;
  pagerSize?: TablePaginationConfig['size'];
};

export type PagedTableProps<T> = Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'> & {
  /** `data-testid` of every body row (rows also carry `data-row-key`); or give `onRow`. */
  rowTestId?: string;
  /** What the table says when it has no rows. */
  emptyText?: ReactNode;
  /** `data-testid` of a block around the table. */
  testId?: string;
} & ({ list: ServerPages<T> } | LocalPages<T>);

/**
 * A table in pages: either the server's (`list` from `usePagedList`, with its load error and retry
 * shown above the table) or rows the page already holds (`rows`, paged here). Row test ids, the
 * empty text and the total are said the same way everywhere.
 */
export function PagedTable<T extends object>(props: PagedTableProps<T>) {
  const { t } = useI18n();
  const total = (n: number) => t('table.total', { total: n });
  let table: TableProps<T>;
  let error: ReactNode = null;
  const { rowTestId, emptyText, testId, ...rest } = props;
  if ('list' in rest) {
    const { list, ...tableProps } = rest;
    table = {
      ...tableProps,
      dataSource: list.page.items,
      loading: list.loading,
      pagination: list.pagination,
    };
    if (list.error) error = <LoadError error={list.error} onRetry={list.reload} />;
  } else {
    const {
      rows,
      loading,
      pageSize = 20,
      showTotal = true,
      hideOnSinglePage = true,
      showSizeChanger,
      pagerSize,
      ...tableProps
    } = rest;
    table = {
      ...tableProps,
      dataSource: [...rows],
      loading: loading ?? false,
      pagination: {
        pageSize,
        ...(hideOnSinglePage ? { hideOnSinglePage } : {}),
        ...(showTotal ? { showTotal: total } : {}),
        ...(showSizeChanger !== undefined ? { showSizeChanger } : {}),
        ...(pagerSize ? { size: pagerSize } : {}),
      },
    };
  }
  if (rowTestId && !table.onRow) table.onRow = rowTestIdOf<T>(rowTestId);
  if (emptyText !== undefined) table.locale = { ...table.locale, emptyText };
  const body = <Table<T> {...table} />;
  return (
    <>
      {error}
      {testId ? <div data-testid={testId}>{body}</div> : body}
    </>
  );
}
