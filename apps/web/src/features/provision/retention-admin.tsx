import { EditOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Form, InputNumber, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import type { RetentionSettings } from '@huitong/contract/provision';
import { provisionApi } from './provision-api';
import { KEEP_DAYS, KEEP_VERSIONS, useRetentionSummary } from './retention-card';

function CityRetentionModal({
  current,
  open,
  onClose,
  onSaved,
}: {
  current: RetentionSettings;
  open: boolean;
  onClose: () => void;
  onSaved: (saved: RetentionSettings) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<RetentionSettings>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(current);
  }, [open, current, form]);

  const submit = async (v: RetentionSettings) => {
    onSaved(await provisionApi.updateCityRetention({ keepVersions: v.keepVersions, keepDays: v.keepDays }));
  };

  return (
    <FormModal<RetentionSettings>
      open={open}
      title={t('provision.retention.city.modalTitle')}
      form={form}
      onSubmit={submit}
      onCancel={onClose}
      okText={t('common.save')}
      okTestId="city-retention-save"
      formTestId="city-retention-form"
      forceRender
    >
      <Form.Item
        name="keepVersions"
        label={t('provision.retention.keepVersions')}
        extra={t('provision.retention.keepVersions.hint')}
        rules={[{ required: true }]}
      >
        <InputNumber
          min={KEEP_VERSIONS.min}
          max={KEEP_VERSIONS.max}
          precision={0}
          style={{ width: 240 }}
          data-testid="city-retention-keep-versions"
        />
      </Form.Item>
      <Form.Item
        name="keepDays"
        label={t('provision.retention.keepDays')}
        extra={t('provision.retention.keepDays.hint')}
        rules={[{ required: true }]}
      >
        <InputNumber
          min={KEEP_DAYS.min}
          max={KEEP_DAYS.max}
          precision={0}
          style={{ width: 240 }}
          data-testid="city-retention-keep-days"
        />
      </Form.Item>
    </FormModal>
  );
}

/** 数据版本保留: the city administrator's default retention of data versions, for every entry. */
export function CityRetentionPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const summary = useRetentionSummary();
  const loaded = useAsync((signal) => provisionApi.cityRetention(signal), []);
  const [saved, setSaved] = useState<RetentionSettings | null>(null);
  const [editing, setEditing] = useState(false);
  const rule = saved ?? loaded.data;

  return (
    <PageContainer
      title={t('provision.retention.city.title')}
      description={t('provision.retention.city.description')}
      testId="city-retention-page"
    >
      {loaded.error ? <LoadError error={loaded.error} onRetry={loaded.reload} /> : null}
      <Card
        title={t('provision.retention.city.card')}
        loading={loaded.loading && !rule}
        extra={
          rule ? (
            <Button
              icon={<EditOutlined />}
              onClick={() => setEditing(true)}
              data-testid="city-retention-edit"
            >
              {t('provision.retention.city.edit')}
            </Button>
          ) : null
        }
        data-testid="city-retention-card"
      >
        {rule ? (
          <>
            <Descriptions column={1} size="small" styles={{ label: { width: 200 } }}>
              <Descriptions.Item label={t('provision.retention.keepVersions')}>
                <span data-testid="city-retention-versions">
                  {t('provision.retention.versionsValue', { n: rule.keepVersions })}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('provision.retention.keepDays')}>
                <span data-testid="city-retention-days">
                  {rule.keepDays > 0
                    ? t('provision.retention.daysValue', { n: rule.keepDays })
                    : t('provision.retention.daysNone')}
                </span>
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
              <Typography.Text strong data-testid="city-retention-summary">
                {summary(rule)}
              </Typography.Text>
            </Typography.Paragraph>
            <Typography.Text type="secondary">{t('provision.retention.city.hint')}</Typography.Text>
          </>
        ) : null}
      </Card>
      {rule ? (
        <CityRetentionModal
          current={rule}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={(next) => {
            setEditing(false);
            setSaved(next);
            void message.success(t('provision.retention.saved'));
          }}
        />
      ) : null}
    </PageContainer>
  );
}
