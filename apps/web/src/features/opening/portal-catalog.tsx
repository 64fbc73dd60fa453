import { ArrowLeftOutlined, FileProtectOutlined, LockOutlined, UnlockOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Empty, Segmented, Space, Spin, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useDocumentTitle, useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { SearchInput } from '../../components/search-input';
import { catalogApi } from '../catalog/catalog-api';
import { DomainTags, OpenTypeTag, formatDate } from '../catalog/catalog-labels';
import { CatalogSearchView } from '../catalog/catalog-search-view';
import type { Restriction, SearchItem } from '@huitong/contract/catalog';
import { BasisList } from '../catalog/version-view';

/** `/catalog`: the open catalog, searchable without signing in. */
export function PortalCatalog() {
  const { t } = useI18n();
  useDocumentTitle(t('portal.catalog.title'));
  return (
    <div className="ht-container ht-portal-catalog" data-testid="portal-catalog">
      <div className="ht-portal-catalog-head">
        <div>
          <h1 className="ht-portal-catalog-title">{t('portal.catalog.title')}</h1>
          <p className="ht-muted" style={{ margin: 0 }}>
            {t('portal.catalog.lead')}
          </p>
        </div>
        <Link to="/catalog/restrictions" data-testid="portal-restrictions-link">
          <FileProtectOutlined /> {t('portal.catalog.restrictionsLink')}
        </Link>
      </div>
      <CatalogSearchView
        load={catalogApi.searchOpen}
        linkOf={(item) => ({ to: `/catalog/entries/${item.id}`, state: { item } })}
        placeholder={t('portal.catalog.placeholder')}
        inputTestId="portal-catalog-search"
        hideFacets={['shareType']}
        showShareType={false}
      />
    </div>
  );
}

function isSearchItem(v: unknown): v is SearchItem {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string';
}

/**
 * Until the open catalog has a detail endpoint, an entry is found among the search results: the list
 * hands it over in the router state, and a direct link pages through the open catalog.
 */
async function findOpenEntry(id: string, signal: AbortSignal): Promise<SearchItem | null> {
  const pageSize = 200;
  for (let page = 1; page <= 50; page++) {
    const result = await catalogApi.searchOpen({ page, pageSize }, signal);
    const hit = result.items.find((i) => i.id === id);
    if (hit) return hit;
    if (page * pageSize >= result.total) return null;
  }
  return null;
}

/** `/catalog/entries/:id`: the published metadata of one open resource. */
export function PortalEntry() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const handed = (location.state as { item?: unknown } | null)?.item;
  const fromList = isSearchItem(handed) && handed.id === id ? handed : null;
  const found = useAsync(
    (signal) => (fromList ? Promise.resolve(fromList) : findOpenEntry(id, signal)),
    [id, fromList?.id],
  );
  const item = found.data ?? null;
  useDocumentTitle(item ? item.name : t('portal.catalog.title'));

  return (
    <div className="ht-container ht-portal-catalog" data-testid="portal-entry">
      <Button
        type="link"
        icon={<ArrowLeftOutlined />}
        onClick={() => {
          if (fromList) void navigate(-1);
          else void navigate('/catalog');
        }}
        style={{ paddingInline: 0, marginBottom: 8 }}
        data-testid="portal-entry-back"
      >
        {t('portal.entry.back')}
      </Button>
      {found.error ? <LoadError error={found.error} onRetry={found.reload} /> : null}
      {found.loading ? <Spin style={{ display: 'block', margin: 48 }} /> : null}
      {!found.loading && !found.error && !item ? (
        <Empty description={t('portal.entry.notFound')} data-testid="portal-entry-not-found" />
      ) : null}
      {item && !found.loading ? (
        <Card className="ht-portal-entry-card">
          <div className="ht-portal-entry-head">
            <h1 className="ht-portal-catalog-title" data-testid="entry-name">
              {item.name}
            </h1>
            <Space size={4} wrap>
              <OpenTypeTag value={item.openType} />
              <Tag>{t(`catalog.classification.${item.classification}`)}</Tag>
            </Space>
          </div>
          <Typography.Paragraph className="ht-portal-entry-abstract" data-testid="portal-entry-abstract">
            {item.abstract}
          </Typography.Paragraph>
          <Alert
            type={item.openType === 'open' ? 'success' : 'info'}
            showIcon
            icon={item.openType === 'open' ? <UnlockOutlined /> : <LockOutlined />}
            title={item.openType === 'open' ? t('portal.entry.openHint') : t('portal.entry.applyHint')}
            action={
              item.openType === 'open' ? undefined : (
                <Link to="/catalog/restrictions">{t('portal.entry.restrictionBasis')}</Link>
              )
            }
            style={{ marginBottom: 20 }}
          />
          <Descriptions
            bordered
            size="middle"
            column={{ xs: 1, md: 2 }}
            items={[
              {
                key: 'code',
                label: t('catalog.field.code'),
                children: (
                  <Typography.Text code data-testid="entry-code">
                    {item.code ?? '—'}
                  </Typography.Text>
                ),
              },
              { key: 'org', label: t('catalog.field.org'), children: item.orgName },
              {
                key: 'openType',
                label: t('catalog.field.openType'),
                children: <OpenTypeTag value={item.openType} />,
              },
              {
                key: 'classification',
                label: t('catalog.field.classification'),
                children: t(`catalog.classification.${item.classification}`),
              },
              {
                key: 'format',
                label: t('catalog.field.format'),
                children: t(`catalog.format.${item.format}`),
              },
              {
                key: 'updateCycle',
                label: t('catalog.field.updateCycle'),
                children: t(`catalog.updateCycle.${item.updateCycle}`),
              },
              {
                key: 'publishedAt',
                label: t('catalog.field.publishedAt'),
                children: formatDate(item.publishedAt),
              },
              {
                key: 'version',
                label: t('portal.entry.version'),
                children: t('catalog.entry.version', { no: item.versionNo }),
              },
              {
                key: 'domains',
                label: t('catalog.field.domains'),
                span: 'filled',
                children: <DomainTags domains={item.domains} />,
              },
              {
                key: 'keywords',
                label: t('catalog.field.keywords'),
                span: 'filled',
                children:
                  item.keywords.length > 0 ? (
                    <Space size={[0, 4]} wrap>
                      {item.keywords.map((k) => (
                        <Link key={k} to={`/catalog?q=${encodeURIComponent(k)}`}>
                          <Tag>{k}</Tag>
                        </Link>
                      ))}
                    </Space>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        </Card>
      ) : null}
    </div>
  );
}

type RestrictionFilter = 'all' | 'on_application' | 'closed';

/** `/catalog/restrictions`: resources open only on application or not open, with their legal bases (Art. 27). */
export function PortalRestrictions() {
  const { t } = useI18n();
  useDocumentTitle(t('portal.restrictions.title'));
  const list = useAsync((signal) => catalogApi.restrictions(signal), []);
  const [filter, setFilter] = useState<RestrictionFilter>('all');
  const [q, setQ] = useState('');
  const needle = q.toLowerCase();
  const rows = (list.data ?? []).filter(
    (r) =>
      (filter === 'all' || r.openType === filter) &&
      (!needle ||
        `${r.name} ${r.orgName} ${r.code ?? ''} ${r.bases.map((b) => b.title).join(' ')}`
          .toLowerCase()
          .includes(needle)),
  );
  const count = (f: RestrictionFilter) =>
    (list.data ?? []).filter((r) => f === 'all' || r.openType === f).length;

  const columns: TableColumnsType<Restriction> = [
    {
      title: t('portal.restrictions.resource'),
      dataIndex: 'name',
      width: 220,
      render: (v: string, r) => (
        <div>
          <strong data-testid="restriction-name">{v}</strong>
          <div className="ht-cell-sub">{r.code ?? ''}</div>
        </div>
      ),
    },
    { title: t('catalog.field.org'), dataIndex: 'orgName', width: 170 },
    {
      title: t('catalog.field.openType'),
      dataIndex: 'openType',
      width: 110,
      render: (v: Restriction['openType']) => <OpenTypeTag value={v} />,
    },
    {
      title: t('catalog.field.openCondition'),
      dataIndex: 'openCondition',
      width: 200,
      render: (v: string | null) => v ?? <span className="ht-muted">—</span>,
    },
    {
      title: t('portal.restrictions.bases'),
      key: 'bases',
      render: (_, r) => <BasisList bases={r.bases} collapsible />,
    },
  ];

  return (
    <div className="ht-container ht-portal-catalog" data-testid="portal-restrictions">
      <div className="ht-portal-catalog-head">
        <div>
          <h1 className="ht-portal-catalog-title">{t('portal.restrictions.title')}</h1>
          <p className="ht-muted" style={{ margin: 0, maxWidth: 820 }}>
            {t('portal.restrictions.lead')}
          </p>
        </div>
        <Link to="/catalog">
          <ArrowLeftOutlined /> {t('portal.entry.back')}
        </Link>
      </div>
      <div className="ht-restrictions-filters">
        <SearchInput
          placeholder={t('portal.restrictions.search')}
          onSearch={setQ}
          style={{ width: 320 }}
          testId="restriction-search"
        />
        <Segmented<RestrictionFilter>
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: `${t('portal.restrictions.all')}（${count('all')}）` },
            {
              value: 'on_application',
              label: `${t('catalog.openType.on_application')}（${count('on_application')}）`,
            },
            { value: 'closed', label: `${t('catalog.openType.closed')}（${count('closed')}）` },
          ]}
          data-testid="restriction-filter"
        />
      </div>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <PagedTable<Restriction>
        rowKey="id"
        columns={columns}
        rows={rows}
        loading={list.loading}
        hideOnSinglePage={false}
        emptyText={t('portal.restrictions.empty')}
        rowTestId="restriction-row"
        scroll={{ x: 1100 }}
        className="ht-restrictions-table"
      />
    </div>
  );
}
