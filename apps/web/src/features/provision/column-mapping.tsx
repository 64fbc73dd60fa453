import { Alert, Button, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../app/i18n';
import type { ColumnMatch, UploadPreview } from '@huitong/contract/provision';

type Props = {
  preview: UploadPreview;
  busy: boolean;
  /** File header → data item name, for every item given a column. */
  onConfirm: (mapping: Record<string, string>) => void;
  onCancel: () => void;
  /** XLSX: read another sheet of the workbook. */
  onSheetChange: (sheet: string) => void;
};

const SAMPLE_ROWS = 5;

/**
 * 列对应: the file's headers did not all match the data items by name or Chinese label. For each data
 * item a column of the file is chosen (prefilled with the automatic match); required items must have
 * one, and one column feeds one item.
 */
export function ColumnMapping({ preview, busy, onConfirm, onCancel, onSheetChange }: Props) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<Record<string, string | null>>(() =>
    Object.fromEntries(preview.mapping.matches.map((m) => [m.item, m.header])),
  );

  const missing = preview.mapping.matches.filter((m) => m.required && !chosen[m.item]);
  const duplicates = useMemo(() => {
    const seen = new Map<string, number>();
    for (const h of Object.values(chosen)) if (h) seen.set(h, (seen.get(h) ?? 0) + 1);
    return new Set([...seen].filter(([, n]) => n > 1).map(([h]) => h));
  }, [chosen]);
  const used = new Set(Object.values(chosen).filter((h): h is string => !!h));
  const unused = preview.headers.filter((h) => !used.has(h));
  const ok = missing.length === 0 && duplicates.size === 0;

  const confirm = () => {
    const mapping: Record<string, string> = {};
    for (const [item, header] of Object.entries(chosen)) if (header) mapping[header] = item;
    onConfirm(mapping);
  };

  const columns: TableColumnsType<ColumnMatch> = [
    {
      title: t('provision.mapping.item'),
      key: 'item',
      render: (_, m) => (
        <Space size={4} wrap>
          <Typography.Text strong>{m.label}</Typography.Text>
          <Typography.Text type="secondary" code>
            {m.item}
          </Typography.Text>
          {m.required ? <Tag color="red">{t('provision.mapping.required')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('provision.mapping.column'),
      key: 'column',
      width: 320,
      render: (_, m) => {
        const value = chosen[m.item] ?? null;
        const status =
          m.required && !value ? 'error' : value && duplicates.has(value) ? 'warning' : undefined;
        return (
          <Select<string>
            style={{ width: '100%' }}
            allowClear
            showSearch
            placeholder={t('provision.mapping.none')}
            value={value ?? undefined}
            status={status}
            disabled={busy}
            onChange={(h) => setChosen((c) => ({ ...c, [m.item]: h ?? null }))}
            options={preview.headers.map((h) => ({ value: h, label: h }))}
            data-testid={`column-mapping-select-${m.item}`}
          />
        );
      },
    },
    {
      title: t('provision.mapping.auto'),
      key: 'auto',
      width: 160,
      render: (_, m) =>
        m.header ? (
          <Tag color="green">{t('provision.mapping.matched')}</Tag>
        ) : (
          <Tag color={m.required ? 'red' : 'default'}>{t('provision.mapping.unmatched')}</Tag>
        ),
    },
  ];

  const sample = preview.rows.slice(0, SAMPLE_ROWS);

  return (
    <div data-testid="provision-column-mapping">
      <Alert
        type={preview.mapping.missingRequired.length > 0 ? 'warning' : 'info'}
        showIcon
        title={t('provision.mapping.title')}
        description={t('provision.mapping.description', {
          file: preview.fileName,
          unmatched: preview.mapping.unmatchedHeaders.join('、') || '—',
        })}
        style={{ marginBottom: 12 }}
      />
      {preview.sheets.length > 1 ? (
        <Space style={{ marginBottom: 12 }}>
          <span>{t('provision.mapping.sheet')}</span>
          <Select<string>
            style={{ width: 220 }}
            value={preview.sheet ?? undefined}
            disabled={busy}
            onChange={onSheetChange}
            options={preview.sheets.map((s) => ({ value: s, label: s }))}
            data-testid="column-mapping-sheet"
          />
        </Space>
      ) : null}
      <Table<ColumnMatch>
        size="small"
        rowKey="item"
        pagination={false}
        columns={columns}
        dataSource={preview.mapping.matches}
        onRow={(m) => ({ 'data-testid': 'column-mapping-row', 'data-item': m.item }) as object}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }} data-testid="column-mapping-unused">
        {t('provision.mapping.unused', { columns: unused.join('、') || '—' })}
      </Typography.Paragraph>
      <Typography.Title level={5}>{t('provision.mapping.sample', { rows: sample.length })}</Typography.Title>
      <Table
        size="small"
        scroll={{ x: true }}
        pagination={false}
        rowKey="record"
        dataSource={sample}
        columns={[
          { title: t('provision.mapping.record'), dataIndex: 'record', width: 70 },
          ...preview.headers.map((h, i) => ({
            title: h,
            key: `c${i}`,
            render: (_: unknown, r: { values: (string | null)[] }) => r.values[i] ?? '',
          })),
        ]}
        data-testid="column-mapping-sample"
      />
      {missing.length > 0 ? (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={t('provision.mapping.missing', { items: missing.map((m) => m.label).join('、') })}
          data-testid="column-mapping-missing"
        />
      ) : null}
      {duplicates.size > 0 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          title={t('provision.mapping.duplicate', { columns: [...duplicates].join('、') })}
        />
      ) : null}
      <Space style={{ marginTop: 12 }}>
        <Button
          type="primary"
          disabled={!ok}
          loading={busy}
          onClick={confirm}
          data-testid="column-mapping-confirm"
        >
          {t('provision.mapping.confirm')}
        </Button>
        <Button disabled={busy} onClick={onCancel} data-testid="column-mapping-cancel">
          {t('common.cancel')}
        </Button>
      </Space>
    </div>
  );
}
