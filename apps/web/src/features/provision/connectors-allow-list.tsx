import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Table } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { rowTestId } from '../../components/row-test-id';
import { formatTime } from '../catalog/catalog-labels';
import type { AllowEntry, AllowBody as AllowEntryInput } from '@huitong/contract/provision';
import { connectorsApi } from './connectors-api';

type FormValues = { host: string; portFrom?: number | null; portTo?: number | null; note?: string };

function AllowEntryModal({
  entry,
  open,
  onClose,
  onSaved,
}: {
  entry: AllowEntry | null;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (entry)
      form.setFieldsValue({
        host: entry.host,
        portFrom: entry.portFrom,
        portTo: entry.portTo,
        note: entry.note ?? undefined,
      });
  }, [open, entry, form]);

  const submit = async (v: FormValues) => {
    const input: AllowEntryInput = {
      host: v.host.trim(),
      portFrom: v.portFrom ?? null,
      portTo: v.portTo ?? v.portFrom ?? null,
      note: v.note?.trim() || null,
    };
    if (entry) await connectorsApi.updateAllowed(entry.id, input);
    else await connectorsApi.addAllowed(input);
    onSaved();
  };

  return (
    <FormModal<FormValues>
      open={open}
      title={entry ? t('connectors.allow.edit') : t('connectors.allow.add')}
      form={form}
      onSubmit={submit}
      onCancel={onClose}
      okText={t('common.save')}
      okTestId="allow-save"
      forceRender
    >
      <Form.Item
        name="host"
        label={t('connectors.allow.host')}
        extra={t('connectors.allow.host.hint')}
        rules={[{ required: true }]}
      >
        <Input data-testid="allow-host" />
      </Form.Item>
      <Space size="middle">
        <Form.Item name="portFrom" label={t('connectors.allow.portFrom')}>
          <InputNumber
            min={1}
            max={65535}
            placeholder={t('connectors.allow.anyPort')}
            data-testid="allow-port-from"
          />
        </Form.Item>
        <Form.Item name="portTo" label={t('connectors.allow.portTo')}>
          <InputNumber min={1} max={65535} />
        </Form.Item>
      </Space>
      <Form.Item name="note" label={t('connectors.allow.note')}>
        <Input maxLength={500} />
      </Form.Item>
    </FormModal>
  );
}

/** 连接器地址清单: the city administrator's list of addresses data connectors may reach. */
export function ConnectorAllowListPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const list = useAsync((signal) => connectorsApi.allowList(signal), []);
  const [editing, setEditing] = useState<{ entry: AllowEntry | null } | null>(null);

  const remove = async (e: AllowEntry) => {
    try {
      await connectorsApi.removeAllowed(e.id);
      void message.success(t('common.deleted'));
      list.reload();
    } catch (err) {
      showError(err);
    }
  };

  const ports = (e: AllowEntry) =>
    e.portFrom === null
      ? t('connectors.allow.anyPort')
      : e.portTo === null || e.portTo === e.portFrom
        ? String(e.portFrom)
        : `${e.portFrom}–${e.portTo}`;

  const columns: TableColumnsType<AllowEntry> = [
    { title: t('connectors.allow.host'), dataIndex: 'host', render: (h: string) => <code>{h}</code> },
    { title: t('connectors.allow.ports'), key: 'ports', width: 160, render: (_: unknown, e) => ports(e) },
    { title: t('connectors.allow.note'), dataIndex: 'note', render: (n: string | null) => n ?? '—' },
    {
      title: t('common.updatedAt'),
      dataIndex: 'updatedAt',
      width: 170,
      render: (v: string) => formatTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 130,
      render: (_: unknown, e) => (
        <Space>
          <Button
            size="small"
            icon={<EditOutlined />}
            aria-label={t('common.edit')}
            onClick={() => setEditing({ entry: e })}
          />
          <Popconfirm
            title={t('connectors.allow.deleteConfirm')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            onConfirm={() => void remove(e)}
          >
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('connectors.allow.title')}
      description={t('connectors.allow.description')}
      testId="connector-allow-list-page"
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setEditing({ entry: null })}
          data-testid="allow-add"
        >
          {t('connectors.allow.add')}
        </Button>
      }
    >
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <Card>
        {list.data && list.data.length === 0 ? (
          <Alert type="info" showIcon title={t('connectors.allow.empty')} style={{ marginBottom: 16 }} />
        ) : null}
        <Table<AllowEntry>
          rowKey="id"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.loading}
          pagination={false}
          onRow={(e) => rowTestId<AllowEntry>('allow-row')(e)}
        />
      </Card>
      <AllowEntryModal
        entry={editing?.entry ?? null}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void message.success(t('common.saved'));
          list.reload();
        }}
      />
    </PageContainer>
  );
}
