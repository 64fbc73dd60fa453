import { SearchOutlined } from '@ant-design/icons';
import { Button, Empty, Input, Pagination, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../app/i18n';
import { LoadError } from '../../components/load-error';
import type { SearchQuery } from '@huitong/contract/catalog';
import { DomainTags, OpenTypeTag, ShareTypeTag, formatDate, useFacetLabel } from './catalog-labels';
import type { SearchItem, SearchResult } from '@huitong/contract/catalog';
import { FACET_NAMES, type FacetName } from '@huitong/contract/values';
import { XlsxExportButton } from './catalog-xlsx';
import { FacetPanel } from './facet-panel';
import { FACET_PARAM, searchQueryOf, useCatalogSearch } from './use-catalog-search';

type Props = {
  load: (q: SearchQuery, signal: AbortSignal) => Promise<SearchResult>;
  /** Where a result leads, and the router state to carry there. */
  linkOf: (item: SearchItem) => { to: string; state?: unknown };
  placeholder: string;
  /** Test id of the search box (`catalog-search-input` in the workspace, `portal-catalog-search` on the portal). */
  inputTestId: string;
  hideFacets?: readonly FacetName[];
  /** Whether to show the share type of each result (internal to the sharing platform). */
  showShareType?: boolean;
  /** Offer 导出 Excel of the current search (the sharing catalog, for staff). */
  exportable?: boolean;
};

function ResultRow({
  item,
  link,
  showShareType,
}: {
  item: SearchItem;
  link: { to: string; state?: unknown };
  showShareType: boolean;
}) {
  const { t } = useI18n();
  return (
    <article className="ht-result" data-testid="catalog-result-row" data-entry-id={item.id}>
      <div className="ht-result-head">
        <Link to={link.to} state={link.state} className="ht-result-name" data-testid="catalog-result-name">
          {item.name}
        </Link>
        <Tag className="ht-result-class">{t(`catalog.classification.${item.classification}`)}</Tag>
      </div>
      <div className="ht-result-meta">
        <span data-testid="catalog-result-code">
          {t('catalog.field.code')}：{item.code ?? '—'}
        </span>
        <span>
          {t('catalog.field.org')}：{item.orgName}
        </span>
        <span>
          {t('catalog.field.updateCycle')}：{t(`catalog.updateCycle.${item.updateCycle}`)}
        </span>
        <span>
          {t('catalog.field.format')}：{t(`catalog.format.${item.format}`)}
        </span>
        <span>
          {t('catalog.field.publishedAt')}：{formatDate(item.publishedAt)}
        </span>
      </div>
      <Typography.Paragraph className="ht-result-abstract" ellipsis={{ rows: 2 }}>
        {item.abstract}
      </Typography.Paragraph>
      <div className="ht-result-tags">
        {showShareType ? <ShareTypeTag value={item.shareType} /> : null}
        <OpenTypeTag value={item.openType} />
        <DomainTags domains={item.domains} />
        {item.keywords.length > 0 ? (
          <span className="ht-result-keywords">
            {item.keywords.map((k) => (
              <span key={k} className="ht-keyword">
                #{k}
              </span>
            ))}
          </span>
        ) : null}
      </div>
    </article>
  );
}

/** Search box, facet panels and paged results; the filters live in the URL query. */
export function CatalogSearchView({
  load,
  linkOf,
  placeholder,
  inputTestId,
  hideFacets = [],
  showShareType = true,
  exportable = false,
}: Props) {
  const { t } = useI18n();
  const facetLabel = useFacetLabel();
  const search = useCatalogSearch(load);
  const [text, setText] = useState(search.filters.q ?? '');

  // Follow the URL when it changes from outside (back button, a link with ?q=).
  useEffect(() => setText(search.filters.q ?? ''), [search.filters.q]);

  const result = search.data;
  const activeFacets = FACET_NAMES.filter((n) => !hideFacets.includes(n) && search.filters[FACET_PARAM[n]]);

  return (
    <div className="ht-catalog-search">
      <div className="ht-search-bar">
        <Space.Compact style={{ width: '100%' }} size="large">
          <Input
            allowClear
            size="large"
            value={text}
            placeholder={placeholder}
            aria-label={placeholder}
            prefix={<SearchOutlined style={{ color: '#8c94a3' }} />}
            onChange={(e) => {
              setText(e.target.value);
              if (e.target.value === '') search.setFilter('q', undefined);
            }}
            onPressEnter={() => search.setFilter('q', text.trim() || undefined)}
            data-testid={inputTestId}
          />
          <Button
            type="primary"
            size="large"
            onClick={() => search.setFilter('q', text.trim() || undefined)}
            data-testid={`${inputTestId}-button`}
          >
            {t('catalog.search.button')}
          </Button>
        </Space.Compact>
        {activeFacets.length > 0 ? (
          <div className="ht-active-filters" data-testid="catalog-active-filters">
            <span className="ht-muted">{t('catalog.search.filters')}：</span>
            {activeFacets.map((n) => {
              const value = search.filters[FACET_PARAM[n]] ?? '';
              const known = result?.facets[n]?.find((v) => v.value === value);
              return (
                <Tag
                  key={n}
                  color="blue"
                  closable
                  closeIcon={<span aria-label={t('catalog.search.removeFilter')}>×</span>}
                  onClose={(e) => {
                    e.preventDefault();
                    search.setFilter(FACET_PARAM[n], undefined);
                  }}
                  data-testid={`active-filter-${n}`}
                >
                  {t(`catalog.facet.${n}`)}：{facetLabel(n, value, known?.label)}
                </Tag>
              );
            })}
          </div>
        ) : null}
      </div>
      <div className="ht-search-body">
        <FacetPanel
          facets={result?.facets}
          filters={search.filters}
          onChange={search.setFilter}
          hide={hideFacets}
        />
        <section className="ht-results" data-testid="catalog-results">
          {search.error ? <LoadError error={search.error} onRetry={search.reload} /> : null}
          <Spin spinning={search.loading}>
            <div className="ht-results-bar">
              <div className="ht-results-head" data-testid="catalog-result-total">
                {result ? t('catalog.search.total', { total: result.total }) : ' '}
              </div>
              {exportable ? (
                <XlsxExportButton query={searchQueryOf(search.filters, search.page, search.pageSize)} />
              ) : null}
            </div>
            {result && result.items.length === 0 && !search.loading ? (
              <Empty description={t('catalog.search.empty')} style={{ padding: '48px 0' }} />
            ) : null}
            {result?.items.map((item) => (
              <ResultRow key={item.id} item={item} link={linkOf(item)} showShareType={showShareType} />
            ))}
            {result && result.total > 0 ? (
              <Pagination
                className="ht-results-pager"
                current={search.page}
                pageSize={search.pageSize}
                total={result.total}
                showSizeChanger
                pageSizeOptions={[10, 20, 50, 100]}
                showTotal={(total) => t('table.total', { total })}
                onChange={search.setPage}
              />
            ) : null}
          </Spin>
        </section>
      </div>
    </div>
  );
}
