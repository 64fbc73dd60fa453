import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Popconfirm, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import type { Override as CalendarOverride, CalendarYear } from '@huitong/contract/platform';
import { calendarApi } from './calendar-api';
import { draftFromOverride, type OverrideDraft } from './override-modal';

type Props = {
  canEdit: boolean;
  version: number;
  onEdit: (draft: OverrideDraft) => void;
  onChanged: () => void;
};

/** The override table: administrator corrections to the statutory calendar. */
export function OverridesCard({ canEdit, version, onEdit, onChanged }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const list = useAsync((signal) => calendarApi.overrides(signal), [version]);

  const remove = async (o: CalendarOverride) => {
    try {
      await calendarApi.deleteOverride(o.date);
      void message.success(t('common.deleted'));
      onChanged();
    } catch (err) {
      showError(err);
    }
  };

  const columns: TableColumnsType<CalendarOverride> = [
    {
      title: t('calendar.date'),
      dataIndex: 'date',
      width: 140,
      render: (v: string) => `${v} ${dayjs(v).format('ddd')}`,
    },
    {
      title: t('calendar.dayType'),
      dataIndex: 'isWorkday',
      width: 90,
      render: (w: boolean) =>
        w ? (
          <Tag color="blue">{t('calendar.override.workday')}</Tag>
        ) : (
          <Tag color="red">{t('calendar.override.dayOff')}</Tag>
        ),
    },
    { title: t('calendar.override.name'), dataIndex: 'name', width: 150 },
    {
      title: t('calendar.override.note'),
      dataIndex: 'note',
      width: 180,
      render: (v: string | null) => v ?? <span className="ht-muted">—</span>,
    },
    {
      title: t('common.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm'),
    },
  ];
  if (canEdit) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_, o) => (
        <>
          <Button
            type="link"
            size="small"
            icon={<EditOutlined />}
            data-testid="override-edit"
            onClick={() => onEdit(draftFromOverride(o))}
          >
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('calendar.override.delete.confirm', { date: o.date })}
            onConfirm={() => remove(o)}
            okButtonProps={{ danger: true, 'data-testid': 'override-delete-confirm' }}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />} data-testid="override-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </>
      ),
    });
  }

  return (
    <Card
      title={t('calendar.overrides.title')}
      className="ht-card"
      data-testid="calendar-overrides"
      extra={
        canEdit ? (
          <Button
            type="primary"
            size="small"
            icon={<PlusOutlined />}
            data-testid="override-create"
            onClick={() =>
              onEdit({
                date: dayjs().format('YYYY-MM-DD'),
                isWorkday: false,
                name: '',
                note: null,
                existing: false,
              })
            }
          >
            {t('calendar.override.create')}
          </Button>
        ) : null
      }
    >
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <PagedTable<CalendarOverride>
        rowKey="date"
        size="small"
        columns={columns}
        rows={list.data ?? []}
        loading={list.loading}
        pageSize={10}
        showTotal={false}
        scroll={{ x: 860 }}
        rowTestId="override-row"
        emptyText={t('calendar.overrides.empty')}
      />
    </Card>
  );
}

type YearValues = { year: number; note?: string };

/** Which years have statutory holiday data, and the administrator's declarations of complete years. */
export function YearsCard({ canEdit, version, onChanged }: Omit<Props, 'onEdit'>) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const list = useAsync((signal) => calendarApi.years(signal), [version]);
  const [declaring, setDeclaring] = useState(false);
  const [form] = Form.useForm<YearValues>();

  const declare = async (v: YearValues) => {
    await calendarApi.declareYear(v.year, v.note?.trim() || null);
    void message.success(t('calendar.years.declared', { year: v.year }));
    setDeclaring(false);
    onChanged();
  };

  const withdraw = async (y: CalendarYear) => {
    try {
      await calendarApi.undeclareYear(y.year);
      void message.success(t('calendar.years.withdrawn', { year: y.year }));
      onChanged();
    } catch (err) {
      showError(err);
    }
  };

  const columns: TableColumnsType<CalendarYear> = [
    { title: t('calendar.years.year'), dataIndex: 'year', width: 90 },
    {
      title: t('calendar.source'),
      dataIndex: 'source',
      width: 140,
      render: (s: CalendarYear['source']) => (
        <Tag color={s === 'package' ? 'blue' : 'purple'}>{t(`calendar.years.source.${s}`)}</Tag>
      ),
    },
    {
      title: t('calendar.override.note'),
      dataIndex: 'note',
      render: (v: string | null) => v ?? <span className="ht-muted">—</span>,
    },
  ];
  if (canEdit) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, y) =>
        y.source === 'declared' ? (
          <Popconfirm
            title={t('calendar.years.withdraw.confirm', { year: y.year })}
            onConfirm={() => withdraw(y)}
            okButtonProps={{ danger: true, 'data-testid': 'year-withdraw-confirm' }}
          >
            <Button type="link" size="small" danger data-testid="year-withdraw">
              {t('calendar.years.withdraw')}
            </Button>
          </Popconfirm>
        ) : null,
    });
  }

  return (
    <Card
      title={t('calendar.years.title')}
      className="ht-card"
      data-testid="calendar-years"
      extra={
        canEdit ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            data-testid="year-declare"
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({ year: dayjs().year() + 1 });
              setDeclaring(true);
            }}
          >
            {t('calendar.years.declare')}
          </Button>
        ) : null
      }
    >
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <PagedTable<CalendarYear>
        rowKey="year"
        size="small"
        columns={columns}
        rows={[...(list.data ?? [])].sort((a, b) => b.year - a.year)}
        loading={list.loading}
        pageSize={8}
        showTotal={false}
        pagerSize="small"
        rowTestId="year-row"
      />
      <FormModal<YearValues>
        open={declaring}
        title={t('calendar.years.declare')}
        form={form}
        onSubmit={declare}
        onCancel={() => setDeclaring(false)}
        okText={t('calendar.years.declare.submit')}
        okTestId="year-declare-save"
        forceRender
      >
        <p className="ht-muted">{t('calendar.years.declare.description')}</p>
        <Form.Item
          name="year"
          label={t('calendar.years.year')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber
            min={2000}
            max={2100}
            precision={0}
            style={{ width: '100%' }}
            data-testid="year-declare-year"
          />
        </Form.Item>
        <Form.Item name="note" label={t('calendar.override.note')} rules={[{ max: 500 }]}>
          <Input.TextArea
            rows={3}
            placeholder={t('calendar.years.declare.notePlaceholder')}
            data-testid="year-declare-note"
          />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
