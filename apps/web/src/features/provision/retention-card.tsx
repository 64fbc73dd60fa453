import { EditOutlined, HistoryOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, InputNumber, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { FormModal } from '../../components/form-modal';
import type { ProvisionSettings, RetentionSettings } from '@huitong/contract/provision';
import { provisionApi } from './provision-api';

/** The bounds of the contract's RetentionSettings (and of an entry's own values). */
export const KEEP_VERSIONS = { min: 1, max: 1000 } as const;
export const KEEP_DAYS = { min: 0, max: 3650 } as const;

/** 保留当前版本、最近 N 个版本和 D 天内的版本 (without the days when D is 0: none are kept by age). */
export function useRetentionSummary(): (rule: RetentionSettings) => string {
  const { t } = useI18n();
  return (rule) =>
    rule.keepDays > 0
      ? t('provision.retention.summary', { versions: rule.keepVersions, days: rule.keepDays })
      : t('provision.retention.summaryNoDays', { versions: rule.keepVersions });
}

/** Where the rule that applies comes from: the city's default, the entry's own, or some of each. */
function sourceKey(settings: ProvisionSettings) {
  const ownVersions = settings.keepVersions !== null;
  const ownDays = settings.keepDays !== null;
  if (ownVersions && ownDays) return 'provision.retention.source.entry' as const;
  if (ownVersions) return 'provision.retention.source.ownVersions' as const;
  if (ownDays) return 'provision.retention.source.ownDays' as const;
  return 'provision.retention.source.city' as const;
}

type FormValues = { keepVersions?: number | null; keepDays?: number | null };

function RetentionModal({
  entryId,
  settings,
  open,
  onClose,
  onSaved,
}: {
  entryId: string;
  settings: ProvisionSettings;
  open: boolean;
  onClose: () => void;
  onSaved: (saved: ProvisionSettings) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ keepVersions: settings.keepVersions, keepDays: settings.keepDays });
  }, [open, settings, form]);

  // The city's value is known where the entry has none of its own (it is what applies).
  const cityHint = (own: number | null, applied: number) =>
    own === null
      ? t('provision.retention.useCityValue', { value: applied })
      : t('provision.retention.useCity');

  const submit = async (v: FormValues) => {
    const saved = await provisionApi.updateSettings(entryId, {
      keepVersions: v.keepVersions ?? null,
      keepDays: v.keepDays ?? null,
    });
    onSaved(saved);
  };

  return (
    <FormModal<FormValues>
      open={open}
      title={t('provision.retention.modalTitle')}
      form={form}
      onSubmit={submit}
      onCancel={onClose}
      okText={t('common.save')}
      okTestId="retention-save"
      formTestId="retention-form"
    >
      <Typography.Paragraph type="secondary">{t('provision.retention.modalHint')}</Typography.Paragraph>
      <Form.Item
        name="keepVersions"
        label={t('provision.retention.keepVersions')}
        extra={t('provision.retention.keepVersions.hint')}
      >
        <InputNumber
          min={KEEP_VERSIONS.min}
          max={KEEP_VERSIONS.max}
          precision={0}
          style={{ width: 240 }}
          placeholder={cityHint(settings.keepVersions, settings.retention.keepVersions)}
          data-testid="retention-keep-versions"
        />
      </Form.Item>
      <Form.Item
        name="keepDays"
        label={t('provision.retention.keepDays')}
        extra={t('provision.retention.keepDays.hint')}
      >
        <InputNumber
          min={KEEP_DAYS.min}
          max={KEEP_DAYS.max}
          precision={0}
          style={{ width: 240 }}
          placeholder={cityHint(settings.keepDays, settings.retention.keepDays)}
          data-testid="retention-keep-days"
        />
      </Form.Item>
    </FormModal>
  );
}

/**
 * 版本保留: which data versions the entry keeps (its own setting, else the city's default); its
 * providers change it, everyone else reads it.
 */
export function RetentionCard({
  entryId,
  settings,
  canEdit,
  onSaved,
}: {
  entryId: string;
  settings: ProvisionSettings | undefined;
  canEdit: boolean;
  onSaved: (saved: ProvisionSettings) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const summary = useRetentionSummary();
  const [editing, setEditing] = useState(false);
  const source = settings ? sourceKey(settings) : null;

  return (
    <Card
      title={
        <Space size={8}>
          <HistoryOutlined />
          {t('provision.retention.title')}
        </Space>
      }
      extra={
        canEdit && settings ? (
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => setEditing(true)}
            data-testid="retention-edit"
          >
            {t('provision.retention.edit')}
          </Button>
        ) : null
      }
      data-testid="retention-card"
    >
      {settings && source ? (
        <Space orientation="vertical" size={4}>
          <Space size={8} wrap>
            <Typography.Text data-testid="retention-summary">{summary(settings.retention)}</Typography.Text>
            <Tag
              color={source === 'provision.retention.source.city' ? 'default' : 'blue'}
              data-testid="retention-source"
              data-source={source.slice('provision.retention.source.'.length)}
            >
              {t(source)}
            </Tag>
          </Space>
          <Typography.Text type="secondary">{t('provision.retention.hint')}</Typography.Text>
        </Space>
      ) : (
        <Typography.Text type="secondary">—</Typography.Text>
      )}
      {settings && canEdit ? (
        <RetentionModal
          entryId={entryId}
          settings={settings}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            void message.success(t('provision.retention.saved'));
            onSaved(saved);
          }}
        />
      ) : null}
    </Card>
  );
}
