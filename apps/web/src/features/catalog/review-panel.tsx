import { CheckOutlined, CloseOutlined, RollbackOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { catalogApi } from './catalog-api';
import { useFieldLabel } from './catalog-labels';
import type { Entry, Version } from '@huitong/contract/catalog';

/** The metadata fields a reviewer can comment on, in the order of the entry page. */
export const COMMENTABLE_FIELDS = [
  'name',
  'abstract',
  'classification',
  'category',
  'format',
  'updateCycle',
  'relatedCodes',
  'domains',
  'keywords',
  'spatialExtent',
  'licence',
  'contact',
  'dataItems',
  'shareType',
  'shareMethod',
  'shareCondition',
  'shareBasisIds',
  'openType',
  'openCondition',
  'openBasisIds',
] as const;

type Props = {
  entry: Entry;
  version: Version;
  fieldComments: Record<string, string>;
  onFieldCommentsChange: (next: Record<string, string>) => void;
  onReviewed: (entry: Entry) => void;
};

/** Approve or return a submitted version, with a general comment and per-field comments. */
export function ReviewPanel({ entry, version, fieldComments, onFieldCommentsChange, onReviewed }: Props) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const fieldLabel = useFieldLabel();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'approve' | 'return' | null>(null);
  const [needReason, setNeedReason] = useState(false);
  const items = version.metadata.dataItems;

  const filled = Object.fromEntries(
    Object.entries(fieldComments)
      .map(([k, v]) => [k, v.trim()] as const)
      .filter(([, v]) => v),
  );

  const decide = async (decision: 'approve' | 'return') => {
    if (decision === 'return' && !comment.trim() && Object.keys(filled).length === 0) {
      setNeedReason(true);
      return;
    }
    setBusy(decision);
    try {
      const result = await catalogApi.review(entry.id, {
        decision,
        comment: comment.trim() || null,
        ...(Object.keys(filled).length > 0 ? { fieldComments: filled } : {}),
      });
      void message.success(
        decision === 'approve' ? t('catalog.review.approved') : t('catalog.review.returned'),
      );
      onReviewed(result);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(null);
    }
  };

  const options = [
    ...COMMENTABLE_FIELDS.map((f) => ({ value: f, label: fieldLabel(f) })),
    ...items.map((d) => ({ value: `dataItems.${d.name}`, label: fieldLabel(`dataItems.${d.name}`, items) })),
  ].filter((o) => !(o.value in fieldComments));

  return (
    <Card
      className="ht-card ht-review-panel"
      title={t('catalog.review.title', { no: version.versionNo })}
      data-testid="review-panel"
    >
      {version.duplicateJustification ? (
        <Alert
          type="warning"
          showIcon
          title={t('catalog.review.duplicateJustification')}
          description={
            <span data-testid="review-duplicate-justification">{version.duplicateJustification}</span>
          }
          style={{ marginBottom: 12 }}
        />
      ) : null}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('catalog.review.hint')}
      </Typography.Paragraph>
      <div className="ht-review-label">{t('catalog.review.comment')}</div>
      <Input.TextArea
        rows={3}
        maxLength={2000}
        value={comment}
        status={needReason ? 'error' : undefined}
        placeholder={t('catalog.review.comment.placeholder')}
        onChange={(e) => {
          setComment(e.target.value);
          setNeedReason(false);
        }}
        data-testid="review-comment"
      />
      {needReason ? (
        <div className="ht-error-text" data-testid="review-need-reason">
          {t('catalog.review.needReason')}
        </div>
      ) : null}
      <div className="ht-review-label" style={{ marginTop: 12 }}>
        {t('catalog.review.fieldComments')}
      </div>
      {Object.keys(fieldComments).map((field) => (
        <div key={field} className="ht-review-field" data-testid="review-field-comment">
          <div className="ht-review-field-head">
            <strong>{fieldLabel(field, items)}</strong>
            <Button
              type="text"
              size="small"
              icon={<CloseOutlined />}
              aria-label={t('common.delete')}
              onClick={() => {
                const next = { ...fieldComments };
                delete next[field];
                onFieldCommentsChange(next);
              }}
            />
          </div>
          <Input.TextArea
            rows={2}
            maxLength={1000}
            autoFocus
            value={fieldComments[field]}
            placeholder={t('catalog.review.fieldComment.placeholder')}
            onChange={(e) => {
              onFieldCommentsChange({ ...fieldComments, [field]: e.target.value });
              setNeedReason(false);
            }}
            data-testid={`review-field-comment-${field}`}
          />
        </div>
      ))}
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        value={null}
        placeholder={t('catalog.review.addFieldComment')}
        options={options}
        onChange={(field: string | null) => {
          if (field) onFieldCommentsChange({ ...fieldComments, [field]: '' });
        }}
        style={{ width: '100%', marginTop: 4 }}
        data-testid="review-add-field"
      />
      <Space style={{ marginTop: 16 }} wrap>
        <Button
          type="primary"
          icon={<CheckOutlined />}
          loading={busy === 'approve'}
          disabled={busy !== null}
          onClick={() =>
            void modal.confirm({
              title: t('catalog.review.approve'),
              content: t('catalog.review.approve.confirm'),
              okText: t('catalog.review.approve'),
              cancelText: t('common.cancel'),
              onOk: () => decide('approve'),
            })
          }
          data-testid="review-approve"
        >
          {t('catalog.review.approve')}
        </Button>
        <Button
          danger
          icon={<RollbackOutlined />}
          loading={busy === 'return'}
          disabled={busy !== null}
          onClick={() => void decide('return')}
          data-testid="review-return"
        >
          {t('catalog.review.return')}
        </Button>
      </Space>
    </Card>
  );
}
