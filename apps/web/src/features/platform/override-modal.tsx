import { DatePicker, Form, Input, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useI18n } from '../../app/i18n';
import { FormModal } from '../../components/form-modal';
import type { Override as CalendarOverride } from '@huitong/contract/platform';
import { calendarApi } from './calendar-api';

type Values = { date: Dayjs; isWorkday: boolean; name: string; note?: string };

export type OverrideDraft = {
  date: string;
  isWorkday: boolean;
  name: string;
  note: string | null;
  existing: boolean;
};

export function draftFromOverride(o: CalendarOverride): OverrideDraft {
  return { date: o.date, isWorkday: o.isWorkday, name: o.name, note: o.note, existing: true };
}

/** Sets the working-day status of one date (`PUT /api/calendar/overrides/:date`). */
export function OverrideModal({
  draft,
  onClose,
  onSaved,
}: {
  draft: OverrideDraft | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (!draft) return;
    form.setFieldsValue({
      date: dayjs(draft.date),
      isWorkday: draft.isWorkday,
      name: draft.name,
      note: draft.note ?? undefined,
    });
  }, [draft, form]);

  const onSubmit = async (v: Values) => {
    await calendarApi.setOverride(v.date.format('YYYY-MM-DD'), {
      isWorkday: v.isWorkday,
      name: v.name.trim(),
      note: v.note?.trim() || null,
    });
    onSaved();
  };

  return (
    <FormModal<Values>
      open={draft !== null}
      title={draft?.existing ? t('calendar.override.edit') : t('calendar.override.create')}
      form={form}
      onSubmit={onSubmit}
      onCancel={onClose}
      okText={t('common.save')}
      okTestId="override-save"
      formTestId="override-form"
    >
      <Form.Item
        name="date"
        label={t('calendar.date')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <DatePicker
          style={{ width: '100%' }}
          disabled={draft?.existing}
          allowClear={false}
          data-testid="override-date"
        />
      </Form.Item>
      <Form.Item
        name="isWorkday"
        label={t('calendar.dayType')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <Radio.Group optionType="button" buttonStyle="solid" data-testid="override-type">
          <Radio.Button value={false}>
            <span data-testid="override-type-off">{t('calendar.override.dayOff')}</span>
          </Radio.Button>
          <Radio.Button value={true}>
            <span data-testid="override-type-work">{t('calendar.override.workday')}</span>
          </Radio.Button>
        </Radio.Group>
      </Form.Item>
      <Form.Item
        name="name"
        label={t('calendar.override.name')}
        extra={t('calendar.override.name.hint')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 50 }]}
      >
        <Input data-testid="override-name" />
      </Form.Item>
      <Form.Item name="note" label={t('calendar.override.note')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={3} data-testid="override-note" />
      </Form.Item>
    </FormModal>
  );
}
