import { ClockCircleOutlined, SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, InputNumber, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { catalogApi } from './catalog-api';
import type { UpkeepSchedule } from '@huitong/contract/catalog';

type Values = { intervalDays: number; noticeDays: number };

/**
 * The re-confirmation schedule that applies, and whose it is; an authority's reviewers and
 * administrators edit their own here (the server answers `editable`).
 */
export function UpkeepScheduleCard({
  schedule,
  keeper,
  onSaved,
}: {
  schedule: UpkeepSchedule;
  /** Seen by an authority (else by a department, to whom `own` means its district authority's). */
  keeper: boolean;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    form.setFieldsValue({ intervalDays: schedule.intervalDays, noticeDays: schedule.noticeDays });
  }, [form, schedule.intervalDays, schedule.noticeDays]);

  const source =
    schedule.source === 'own' && !keeper
      ? t('catalog.upkeep.source.supervisor')
      : t(`catalog.upkeep.source.${schedule.source}`);

  const save = async (v: Values) => {
    if (v.intervalDays === schedule.intervalDays && v.noticeDays === schedule.noticeDays) {
      void message.info(t('common.noChanges'));
      return;
    }
    setSaving(true);
    try {
      await catalogApi.setUpkeepSchedule({ intervalDays: v.intervalDays, noticeDays: v.noticeDays });
      void message.success(t('catalog.upkeep.schedule.saved'));
      onSaved();
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card
      size="small"
      className="ht-card ht-upkeep-card"
      title={
        <Space size={6}>
          <ClockCircleOutlined />
          {t('catalog.upkeep.schedule.title')}
        </Space>
      }
      extra={
        <Tag color={schedule.source === 'default' ? 'default' : 'blue'} data-testid="upkeep-schedule-source">
          {source}
        </Tag>
      }
      data-testid="upkeep-schedule"
    >
      <div className="ht-upkeep-schedule-text" data-testid="upkeep-schedule-text">
        {t('catalog.upkeep.schedule.text', {
          interval: schedule.intervalDays,
          notice: schedule.noticeDays,
        })}
      </div>
      <div className="ht-muted ht-upkeep-hint">
        {t(keeper ? 'catalog.upkeep.schedule.hint.keeper' : 'catalog.upkeep.schedule.hint.department')}
      </div>
      {schedule.editable ? (
        <Form<Values>
          form={form}
          layout="inline"
          className="ht-upkeep-schedule-form"
          initialValues={{ intervalDays: schedule.intervalDays, noticeDays: schedule.noticeDays }}
          onFinish={(v) => void save(v)}
        >
          <Form.Item
            name="intervalDays"
            label={t('catalog.upkeep.schedule.interval')}
            rules={[
              { required: true, message: t('form.required') },
              {
                type: 'number',
                min: 30,
                max: 1095,
                message: t('catalog.upkeep.schedule.intervalRange'),
              },
            ]}
          >
            <InputNumber
              min={30}
              max={1095}
              precision={0}
              suffix={t('catalog.upkeep.schedule.days')}
              style={{ width: 120 }}
              data-testid="upkeep-interval"
            />
          </Form.Item>
          <Form.Item
            name="noticeDays"
            label={t('catalog.upkeep.schedule.notice')}
            dependencies={['intervalDays']}
            rules={[
              { required: true, message: t('form.required') },
              { type: 'number', min: 1, max: 90, message: t('catalog.upkeep.schedule.noticeRange') },
              ({ getFieldValue }) => ({
                validator: async (_, value: number | null | undefined) => {
                  const interval = getFieldValue('intervalDays') as number | null | undefined;
                  if (typeof value === 'number' && typeof interval === 'number' && value >= interval) {
                    throw new Error(t('catalog.upkeep.schedule.noticeTooLong'));
                  }
                },
              }),
            ]}
          >
            <InputNumber
              min={1}
              max={90}
              precision={0}
              suffix={t('catalog.upkeep.schedule.days')}
              style={{ width: 110 }}
              data-testid="upkeep-notice"
            />
          </Form.Item>
          <Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SaveOutlined />}
              loading={saving}
              data-testid="upkeep-schedule-save"
            >
              {t('common.save')}
            </Button>
          </Form.Item>
        </Form>
      ) : null}
    </Card>
  );
}
