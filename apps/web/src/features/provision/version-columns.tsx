import { RollbackOutlined } from '@ant-design/icons';
import { App, Button, Space, Tag, Tooltip } from 'antd';
import type { TableColumnType } from 'antd';
import { useI18n } from '../../app/i18n';
import { formatTime } from '../catalog/catalog-labels';
import type { DataVersion } from '@huitong/contract/provision';
import type { DataVersionState } from '@huitong/contract/values';

const STATE_COLOURS: Record<DataVersionState, string> = {
  receiving: 'processing',
  open: 'processing',
  ready: 'green',
  failed: 'red',
  cancelled: 'default',
  unchanged: 'default',
  retired: 'default',
};

type Column = TableColumnType<DataVersion>;

/**
 * The columns the tables of data versions (数据版本) and file versions (文件版本) share: number, state
 * (with 当前), source, who provided it and when. Widths fit the data versions; spread to change one.
 */
export function useVersionColumns(): {
  versionNo: Column;
  state: Column;
  source: Column;
  createdBy: Column;
  time: Column;
} {
  const { t, tDynamic, pick } = useI18n();
  return {
    versionNo: {
      title: t('provision.versions.version'),
      dataIndex: 'versionNo',
      width: 70,
      render: (n: number) => `v${n}`,
    },
    state: {
      title: t('provision.versions.state'),
      key: 'state',
      width: 125,
      render: (_, v) => (
        <Space size={4}>
          <Tooltip
            title={
              v.error
                ? pick(v.error)
                : v.state === 'retired' && v.retiredAt
                  ? t('provision.versions.retiredAt', { time: formatTime(v.retiredAt) })
                  : undefined
            }
          >
            <Tag color={STATE_COLOURS[v.state]} data-testid="data-version-state" data-state={v.state}>
              {t(`provision.state.${v.state}`)}
            </Tag>
          </Tooltip>
          {v.sameAsVersionNo !== null ? (
            <Tooltip title={t('provision.versions.sameAs', { no: v.sameAsVersionNo })}>
              <Tag data-testid="data-version-same-as">= v{v.sameAsVersionNo}</Tag>
            </Tooltip>
          ) : null}
          {v.current ? (
            <Tag color="blue" data-testid="data-version-current">
              {t('provision.versions.current')}
            </Tag>
          ) : null}
        </Space>
      ),
    },
    source: {
      title: t('provision.versions.source'),
      dataIndex: 'source',
      width: 80,
      render: (v: string) => tDynamic(`provision.source.${v}`, v),
    },
    createdBy: {
      title: t('provision.versions.createdBy'),
      dataIndex: 'createdBy',
      width: 120,
      ellipsis: true,
      render: (v: string | null) => v ?? '—',
    },
    time: {
      title: t('provision.versions.time'),
      key: 'time',
      width: 140,
      render: (_, v) => formatTime(v.completedAt ?? v.createdAt),
    },
  };
}

/** A version that may be made current again: ready (not retired: its rows are gone) and not current. */
export const restorable = (v: DataVersion) => v.state === 'ready' && !v.current;

/** 恢复: makes the version current again once confirmed (shown for {@link restorable} ones). */
export function RestoreButton({
  version,
  onRestore,
}: {
  version: DataVersion;
  onRestore: (v: DataVersion) => Promise<void>;
}) {
  const { t } = useI18n();
  const { modal } = App.useApp();
  return (
    <Button
      type="link"
      size="small"
      icon={<RollbackOutlined />}
      onClick={() =>
        modal.confirm({
          title: t('provision.versions.restoreConfirm', { no: version.versionNo }),
          content: t('provision.versions.restoreContent'),
          okText: t('provision.versions.restore'),
          cancelText: t('common.cancel'),
          onOk: () => onRestore(version),
        })
      }
      data-testid="data-version-restore"
    >
      {t('provision.versions.restore')}
    </Button>
  );
}
