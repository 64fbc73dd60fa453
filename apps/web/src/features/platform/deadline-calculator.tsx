import { CalculatorOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, InputNumber, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import type { DeadlineResponse } from '@huitong/contract/platform';
import { calendarApi } from './calendar-api';

type Values = { start: Dayjs; days: number };

const PRESETS = [
  { days: 5, label: 'calendar.deadline.preset5' },
  { days: 15, label: 'calendar.deadline.preset15' },
] as const;

/** Start date + N working days → the statutory deadline (`GET /api/calendar/deadline`). */
export function DeadlineCalculator() {
  const { t, pick } = useI18n();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [result, setResult] = useState<DeadlineResponse | null>(null);
  const [running, setRunning] = useState(false);

  const compute = async (v: Values) => {
    setRunning(true);
    try {
      setResult(await calendarApi.deadline(v.start.format('YYYY-MM-DD'), v.days));
    } catch (err) {
      showError(err, form);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Card title={t('calendar.deadline.title')} className="ht-card" data-testid="deadline-calculator">
      <Typography.Paragraph type="secondary">{t('calendar.deadline.description')}</Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ start: dayjs(), days: 5 }}
        onFinish={(v) => void compute(v)}
        onValuesChange={() => setResult(null)}
      >
        <Form.Item
          name="start"
          label={t('calendar.deadline.start')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <DatePicker style={{ width: '100%' }} allowClear={false} data-testid="deadline-start" />
        </Form.Item>
        <Form.Item
          name="days"
          label={t('calendar.deadline.days')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <InputNumber
            min={1}
            max={365}
            precision={0}
            style={{ width: '100%' }}
            data-testid="deadline-days"
          />
        </Form.Item>
        <Space wrap style={{ marginBottom: 16 }}>
          {PRESETS.map((p) => (
            <Button
              key={p.days}
              size="small"
              data-testid={`deadline-preset-${p.days}`}
              onClick={() => {
                form.setFieldValue('days', p.days);
                form.submit();
              }}
            >
              {t(p.label)}
            </Button>
          ))}
        </Space>
        <Button
          type="primary"
          htmlType="submit"
          icon={<CalculatorOutlined />}
          loading={running}
          block
          data-testid="deadline-submit"
        >
          {t('calendar.deadline.compute')}
        </Button>
      </Form>
      {result ? (
        <div className="ht-deadline-result" data-testid="deadline-result" data-deadline={result.deadline}>
          <div className="ht-deadline-label">
            {t('calendar.deadline.result', { days: result.days, start: result.start })}
          </div>
          <div className="ht-deadline-date" data-testid="deadline-date">
            {dayjs(result.deadline).format('YYYY-MM-DD')}{' '}
            <span className="ht-deadline-weekday">{dayjs(result.deadline).format('dddd')}</span>
          </div>
          {result.skipped.length > 0 ? (
            <div className="ht-deadline-skipped">
              <Typography.Text type="secondary">
                {t('calendar.deadline.skipped', { count: result.skipped.length })}
              </Typography.Text>
              <div>
                {result.skipped
                  .filter((d) => d.name)
                  .map((d) => (
                    <Tag key={d.date} color="red">
                      {dayjs(d.date).format('MM-DD')} {d.name}
                    </Tag>
                  ))}
              </div>
            </div>
          ) : null}
          {result.warnings.map((w) => (
            <Alert key={w.year} type="warning" showIcon title={pick(w)} style={{ marginTop: 8 }} />
          ))}
        </div>
      ) : null}
    </Card>
  );
}
