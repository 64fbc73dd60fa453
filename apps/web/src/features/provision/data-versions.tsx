import { DiffOutlined, FileSearchOutlined } from '@ant-design/icons';
import { Button, Modal, Space } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { DownloadMenu } from './download-menu';
import type { DataVersion } from '@huitong/contract/provision';
import { RestoreButton, restorable, useVersionColumns } from './version-columns';
import { VersionDiff } from './version-diff';

type Props = {
  entryId: string;
  /** The entry has a geometry data item (GeoJSON downloads are offered). */
  geometry: boolean;
  versions: DataVersion[];
  loading: boolean;
  /** May restore versions (the department's providers). */
  canRestore: boolean;
  /** May download versions (the department's providers and approvers). */
  canExport: boolean;
  /** May compare versions (those who export, and the authority's reviewers, masked). */
  canCompare: boolean;
  onRestore: (v: DataVersion) => Promise<void>;
  onViewReport: (v: DataVersion) => void;
};

/** The ready version before `v` (what it is compared with), or undefined for the first. */
function previousReady(versions: DataVersion[], v: DataVersion): DataVersion | undefined {
  return versions
    .filter((o) => o.state === 'ready' && o.versionNo < v.versionNo)
    .reduce<DataVersion | undefined>(
      (best, o) => (best && best.versionNo > o.versionNo ? best : o),
      undefined,
    );
}

/** 数据版本: every version of the entry's data, newest first; downloads and comparisons of ready ones. */
export function DataVersions({
  entryId,
  geometry,
  versions,
  loading,
  canRestore,
  canExport,
  canCompare,
  onRestore,
  onViewReport,
}: Props) {
  const { t } = useI18n();
  const shared = useVersionColumns();
  const [diff, setDiff] = useState<{ from: number; to: number } | null>(null);

  const columns: TableColumnsType<DataVersion> = [
    shared.versionNo,
    shared.state,
    shared.source,
    {
      title: t('provision.versions.fileName'),
      dataIndex: 'fileName',
      width: 170,
      ellipsis: { showTitle: true },
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('provision.versions.encoding'),
      dataIndex: 'encoding',
      width: 80,
      render: (v: string | null) => (v ? v.toUpperCase() : '—'),
    },
    {
      title: t('provision.versions.rows'),
      dataIndex: 'rowCount',
      width: 80,
      align: 'right',
      render: (v: number | null) => (v === null ? '—' : v.toLocaleString()),
    },
    {
      title: t('provision.versions.excluded'),
      dataIndex: 'excludedRowCount',
      width: 100,
      align: 'right',
      render: (v: number | null) => (v === null ? '—' : v.toLocaleString()),
    },
    shared.createdBy,
    shared.time,
    {
      title: t('common.actions'),
      key: 'actions',
      width: 330,
      fixed: 'right',
      render: (_, v) => {
        const previous = v.state === 'ready' ? previousReady(versions, v) : undefined;
        return (
          <Space size={0} wrap>
            <Button
              type="link"
              size="small"
              icon={<FileSearchOutlined />}
              onClick={() => onViewReport(v)}
              data-testid="data-version-report"
            >
              {t('provision.versions.viewReport')}
            </Button>
            {canRestore && restorable(v) ? <RestoreButton version={v} onRestore={onRestore} /> : null}
            {canExport && v.state === 'ready' ? (
              <DownloadMenu entryId={entryId} versionNo={v.versionNo} geometry={geometry} />
            ) : null}
            {canCompare && previous ? (
              <Button
                type="link"
                size="small"
                icon={<DiffOutlined />}
                onClick={() => setDiff({ from: previous.versionNo, to: v.versionNo })}
                data-testid="data-version-compare"
              >
                {t('provision.diff.compare')}
              </Button>
            ) : null}
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <PagedTable<DataVersion>
        rowKey="id"
        size="middle"
        columns={columns}
        rows={versions}
        loading={loading}
        pageSize={10}
        emptyText={t('provision.versions.empty')}
        rowTestId="data-version-row"
        scroll={{ x: 1300 }}
      />
      <Modal
        open={diff !== null}
        width={900}
        title={diff ? t('provision.diff.title', { from: diff.from, to: diff.to }) : null}
        onCancel={() => setDiff(null)}
        footer={
          <Button type="primary" onClick={() => setDiff(null)} data-testid="version-diff-close">
            {t('provision.diff.close')}
          </Button>
        }
        destroyOnHidden
      >
        {diff ? <VersionDiff entryId={entryId} from={diff.from} to={diff.to} /> : null}
      </Modal>
    </>
  );
}
