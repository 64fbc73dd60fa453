import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, type FieldProblem } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { catalogApi } from './catalog-api';
import type { Entry } from '@huitong/contract/catalog';
import type { SubmitDuplicate } from '@huitong/contract/common';
import { DuplicateHolders, mineMatching, type Holder } from './duplicate-holders';

type Props = {
  open: boolean;
  entryId: string;
  name: string;
  /** The labels of the version's data items, to ask which resources hold them (as the editor does). */
  labels: string[];
  onClose: () => void;
  onSubmitted: (entry: Entry) => void;
  /**
   * Called (instead of a toast) with the problems that keep the version from being submitted, each
   * naming its field; the modal closes.
   */
  onProblems?: (fields: FieldProblem[], err: ApiError) => void;
};

/** The `duplicates` the problem names: label, resource and department only, no codes or links. */
function duplicatesOf(err: ApiError): SubmitDuplicate[] {
  const raw = err.problem.extra?.['duplicates'];
  if (!Array.isArray(raw)) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return raw.flatMap((d: unknown) => {
    if (typeof d !== 'object' || d === null) return [];
    const r = d as Record<string, unknown>;
    return [{ label: text(r['label']), name: text(r['name']), orgName: text(r['orgName']) }];
  });
}

/**
 * The holders of the refused version's items, named as the editor's live warning names them (the
 * same duplicate check: with codes and links, base resources first); the problem's own list only
 * when that check fails or finds none.
 */
async function holdersOf(labels: string[], err: ApiError): Promise<Holder[]> {
  const items = [...new Set(labels.map((l) => l.trim()).filter(Boolean))];
  const found = items.length > 0 ? await catalogApi.duplicateCheck(items).catch(() => []) : [];
  return found.length > 0 ? found : duplicatesOf(err);
}

/**
 * Submits the version in progress for review. When the server answers that some data items are
 * already provided by other departments (Art. 14), shows which and asks for a justification.
 */
export function SubmitModal({ open, entryId, name, labels, onClose, onSubmitted, onProblems }: Props) {
  const { t } = useI18n();
  const showError = useShowError();
  const [duplicates, setDuplicates] = useState<Holder[] | null>(null);
  const [justification, setJustification] = useState('');
  const [missing, setMissing] = useState(false);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (!open) return;
    setDuplicates(null);
    setJustification('');
    setMissing(false);
  }, [open]);

  const submit = async () => {
    const reason = justification.trim();
    if (duplicates && !reason) {
      setMissing(true);
      return;
    }
    setSubmitting(true);
    try {
      const entry = await catalogApi.submit(entryId, duplicates ? reason : null);
      onSubmitted(entry);
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'duplicate_justification_required') {
        setMissing(duplicates !== null);
        setDuplicates(await holdersOf(labels, err));
      } else if (err instanceof ApiError && err.problem.fields && onProblems) {
        onProblems(err.problem.fields, err);
        onClose();
      } else {
        showError(err);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('catalog.submit.title')}
      okText={t('catalog.submit.ok')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={submitting}
      width={duplicates ? 760 : 520}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'submit-confirm' }}
    >
      <div data-testid="submit-modal">
        <Typography.Paragraph>{t('catalog.submit.confirm', { name })}</Typography.Paragraph>
        {duplicates ? (
          <div data-testid="submit-duplicates">
            <Alert
              type="warning"
              showIcon
              title={t('catalog.submit.duplicates.title')}
              description={t('catalog.submit.duplicates.text')}
              style={{ marginBottom: 12 }}
            />
            {duplicates.length > 0 ? (
              <div className="ht-dup-box">
                <DuplicateHolders holders={duplicates} mineOf={mineMatching(duplicates, labels)} />
              </div>
            ) : null}
            <Form layout="vertical">
              <Form.Item
                label={t('catalog.submit.justification')}
                required
                validateStatus={missing ? 'error' : undefined}
                help={missing ? t('catalog.submit.justification.required') : undefined}
              >
                <Input.TextArea
                  rows={3}
                  maxLength={2000}
                  showCount
                  value={justification}
                  placeholder={t('catalog.submit.justification.placeholder')}
                  onChange={(e) => {
                    setJustification(e.target.value);
                    if (e.target.value.trim()) setMissing(false);
                  }}
                  data-testid="duplicate-justification"
                />
              </Form.Item>
            </Form>
          </div>
        ) : null}
      </div>
    </Modal>
  );
}
