import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Select, Space, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { usePagedList } from '../../components/hooks/use-paged-list';
import { PagedTable } from '../../components/paged-table';
import { PageContainer } from '../../components/page-container';
import { SearchInput } from '../../components/search-input';
import { DivisionSelect } from './division-select';
import { orgApi } from './org-api';
import type { Organisation } from '@huitong/contract/org';
import { ORG_KINDS, type OrgKind } from '@huitong/contract/values';
import { OrganisationDrawer } from './organisation-drawer';
import { useDivisions } from './use-divisions';

type Filters = { q?: string | undefined; kind?: OrgKind | undefined; divisionCode?: string | undefined };

const KIND_COLOURS: Record<OrgKind, string> = {
  authority: 'geekblue',
  department: 'blue',
  enterprise: 'cyan',
  evaluator: 'purple',
};

export function OrganisationsPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const divisions = useDivisions();
  const list = usePagedList<Organisation, Filters>(
    (query, signal) => orgApi.listOrganisations(query, signal),
    {},
  );
  const [editing, setEditing] = useState<Organisation | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);

  const divisionName = (code: string, fallback?: string | null) =>
    fallback ?? divisions.data?.find((d) => d.code === code)?.name ?? code;

  const columns: TableColumnsType<Organisation> = [
    {
      title: t('org.name'),
      dataIndex: 'name',
      width: 240,
      render: (_, o) => (
        <div>
          <Typography.Text strong>{o.name}</Typography.Text>
          {o.shortName ? <div className="ht-cell-sub">{o.shortName}</div> : null}
        </div>
      ),
    },
    {
      title: t('org.kind'),
      dataIndex: 'kind',
      width: 140,
      render: (kind: OrgKind) => <Tag color={KIND_COLOURS[kind]}>{t(`org.kind.${kind}`)}</Tag>,
    },
    { title: t('org.level'), dataIndex: 'level', width: 80, render: (_, o) => t(`org.level.${o.level}`) },
    {
      title: t('org.division'),
      dataIndex: 'divisionCode',
      width: 110,
      render: (_, o) => divisionName(o.divisionCode, o.divisionName),
    },
    {
      title: t('org.creditCode'),
      dataIndex: 'creditCode',
      width: 190,
      render: (v: string | null) =>
        v ? <Typography.Text code>{v}</Typography.Text> : <span className="ht-muted">—</span>,
    },
    {
      title: t('org.parent'),
      dataIndex: 'parentName',
      width: 200,
      render: (v: string | null | undefined) => v ?? <span className="ht-muted">—</span>,
    },
    {
      title: t('org.flags'),
      key: 'flags',
      width: 130,
      render: (_, o) => (
        <Space size={[0, 4]} wrap>
          {o.delegated ? (
            <Tooltip title={t('org.delegated')}>
              <Tag color="gold">{t('org.delegated.short')}</Tag>
            </Tooltip>
          ) : null}
          {o.active ? <Tag color="green">{t('status.active')}</Tag> : <Tag>{t('status.inactive')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('org.contact'),
      key: 'contact',
      width: 160,
      render: (_, o) =>
        o.contactName || o.contactPhone ? (
          <div>
            <div>{o.contactName}</div>
            <div className="ht-cell-sub">{o.contactPhone}</div>
          </div>
        ) : (
          <span className="ht-muted">—</span>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, o) => (
        <Button
          type="link"
          size="small"
          icon={<EditOutlined />}
          data-testid="organisation-edit"
          onClick={() => {
            setEditing(o);
            setDrawerOpen(true);
          }}
        >
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('nav.admin.organisations')}
      description={t('org.page.description')}
      testId="organisations-page"
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="organisation-create"
          onClick={() => {
            setEditing(null);
            setDrawerOpen(true);
          }}
        >
          {t('org.create')}
        </Button>
      }
    >
      <div className="ht-filters">
        <SearchInput
          placeholder={t('org.search.placeholder')}
          onSearch={(q) => list.setFilters({ ...list.filters, q: q || undefined })}
          style={{ width: 280 }}
          testId="organisation-search"
        />
        <Select
          allowClear
          placeholder={t('org.kind')}
          value={list.filters.kind}
          onChange={(kind: OrgKind | undefined) => list.setFilters({ ...list.filters, kind })}
          options={ORG_KINDS.map((k) => ({ value: k, label: t(`org.kind.${k}`) }))}
          style={{ width: 180 }}
          data-testid="organisation-filter-kind"
        />
        <DivisionSelect
          divisions={divisions.data ?? []}
          loading={divisions.loading}
          value={list.filters.divisionCode}
          onChange={(divisionCode) => list.setFilters({ ...list.filters, divisionCode })}
          placeholder={t('org.division')}
          style={{ width: 220 }}
          testId="organisation-filter-division"
        />
      </div>
      <PagedTable<Organisation>
        list={list}
        testId="organisations-table"
        rowTestId="organisation-row"
        rowKey="id"
        size="middle"
        columns={columns}
        scroll={{ x: 1340 }}
      />
      <OrganisationDrawer
        open={drawerOpen}
        organisation={editing}
        divisions={divisions.data ?? []}
        onClose={() => setDrawerOpen(false)}
        onSaved={(saved) => {
          setDrawerOpen(false);
          void message.success(saved === null ? t('common.noChanges') : t('common.saved'));
          list.reload();
        }}
      />
    </PageContainer>
  );
}
