import { DownloadOutlined } from '@ant-design/icons';
import { Button, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { rowTestId } from '../../components/row-test-id';
import type { DataVersion } from '@huitong/contract/provision';
import { sizeText } from './provision-labels';
import type { StoredFile } from '@huitong/contract/provision';
import { uploadApi } from './upload-api';
import { RestoreButton, restorable, useVersionColumns } from './version-columns';

/** The files of one version: name, media type, size, SM3 and, for those who may download, a download link. */
function VersionFiles({
  entryId,
  versionId,
  canDownload,
}: {
  entryId: string;
  versionId: string;
  canDownload: boolean;
}) {
  const { t } = useI18n();
  const files = useAsync((signal) => uploadApi.files(entryId, versionId, signal), [entryId, versionId]);
  const columns: TableColumnsType<StoredFile> = [
    { title: '#', dataIndex: 'position', width: 50 },
    {
      title: t('provision.files.name'),
      dataIndex: 'fileName',
      render: (name: string) => <span data-testid="file-name">{name}</span>,
    },
    { title: t('provision.files.type'), dataIndex: 'mediaType', width: 200 },
    {
      title: t('provision.files.size'),
      dataIndex: 'byteCount',
      width: 110,
      align: 'right',
      render: (n: number) => sizeText(n),
    },
    {
      title: 'SM3',
      dataIndex: 'sm3',
      width: 190,
      render: (v: string) => (
        <Tooltip title={v}>
          <Typography.Text code copyable={{ text: v }} data-testid="file-sm3">
            {v.slice(0, 16)}…
          </Typography.Text>
        </Tooltip>
      ),
    },
  ];
  if (canDownload) {
    columns.push({
      title: t('common.actions'),
      key: 'download',
      width: 100,
      render: (_, f) => (
        <Button
          type="link"
          size="small"
          icon={<DownloadOutlined />}
          href={uploadApi.downloadUrl(entryId, versionId, f.position)}
          data-testid="file-download"
        >
          {t('provision.files.download')}
        </Button>
      ),
    });
  }
  if (files.error) return <LoadError error={files.error} onRetry={files.reload} />;
  return (
    <Table<StoredFile>
      size="small"
      rowKey="position"
      pagination={false}
      loading={files.loading}
      columns={columns}
      dataSource={files.data?.files ?? []}
      onRow={rowTestId('file-row')}
    />
  );
}

type Props = {
  entryId: string;
  versions: DataVersion[];
  loading: boolean;
  canRestore: boolean;
  /** May download the files (the department's providers and approvers). */
  canDownload: boolean;
  onRestore: (v: DataVersion) => Promise<void>;
};

/** 文件版本: the versions of a file resource, newest first, each with its files. */
export function FileVersions({ entryId, versions, loading, canRestore, canDownload, onRestore }: Props) {
  const { t } = useI18n();
  const shared = useVersionColumns();
  const current = versions.find((v) => v.current)?.id;

  const columns: TableColumnsType<DataVersion> = [
    shared.versionNo,
    { ...shared.state, width: 140 },
    { ...shared.source, width: 90 },
    {
      title: t('provision.files.count'),
      dataIndex: 'rowCount',
      width: 80,
      align: 'right',
      render: (n: number | null) => n ?? '—',
    },
    {
      title: t('provision.files.size'),
      dataIndex: 'byteCount',
      width: 110,
      align: 'right',
      render: (n: number | null) => (n === null ? '—' : sizeText(n)),
    },
    { ...shared.createdBy, width: 130, ellipsis: false },
    { ...shared.time, width: 150 },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      render: (_, v) =>
        canRestore && restorable(v) ? <RestoreButton version={v} onRestore={onRestore} /> : null,
    },
  ];

  return (
    <PagedTable<DataVersion>
      // A new current version is shown opened.
      key={current ?? 'none'}
      rowKey="id"
      size="middle"
      loading={loading}
      columns={columns}
      rows={versions}
      pageSize={10}
      showTotal={false}
      emptyText={t('provision.files.empty')}
      rowTestId="data-version-row"
      expandable={{
        rowExpandable: (v) => v.state === 'ready',
        expandedRowRender: (v) => (
          <VersionFiles entryId={entryId} versionId={v.id} canDownload={canDownload} />
        ),
        ...(current ? { defaultExpandedRowKeys: [current] } : {}),
      }}
      scroll={{ x: 1000 }}
    />
  );
}
