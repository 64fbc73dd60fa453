import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button } from 'antd';
import { useState, type ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import type { ChainReport } from '@huitong/contract/security';
import { auditApi } from './audit-api';

/** Re-computes the SM3 hash chain on the server and shows the outcome. */
export function useVerifyChain(): { button: ReactNode; result: ReactNode } {
  const { t, pick } = useI18n();
  const showError = useShowError();
  const [report, setReport] = useState<ChainReport | null>(null);
  const [running, setRunning] = useState(false);

  const run = async () => {
    setRunning(true);
    try {
      setReport(await auditApi.verify());
    } catch (err) {
      showError(err);
    } finally {
      setRunning(false);
    }
  };

  return {
    button: (
      <Button
        icon={<SafetyCertificateOutlined />}
        loading={running}
        onClick={() => void run()}
        data-testid="audit-verify"
      >
        {t('audit.verify')}
      </Button>
    ),
    result: report ? (
      <div
        data-testid="audit-verify-result"
        data-ok={report.ok ? 'true' : 'false'}
        data-broken-seq={report.firstBrokenSeq ?? ''}
      >
        <Alert
          type={report.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setReport(null) }}
          title={
            report.ok
              ? t('audit.verify.ok', { checked: report.checked })
              : t('audit.verify.broken', { seq: report.firstBrokenSeq ?? '?' })
          }
          description={
            report.ok
              ? t('audit.verify.okDetail')
              : t('audit.verify.brokenDetail', {
                  checked: report.checked,
                  reason: pick(report.reason) || '—',
                })
          }
          style={{ marginBottom: 16 }}
        />
      </div>
    ) : null,
  };
}
