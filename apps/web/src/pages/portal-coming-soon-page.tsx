import { Button } from 'antd';
import { useNavigate } from 'react-router';
import { useDocumentTitle, useI18n } from '../app/i18n';
import { ComingSoon } from '../components/coming-soon';
import type { MessageKey } from '../i18n/zh-CN';

/** A portal section that opens in a later release. */
export function PortalComingSoonPage({ title }: { title: MessageKey }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  useDocumentTitle(t(title));
  return (
    <div className="ht-container ht-portal-page">
      <ComingSoon
        title={t(title)}
        extra={
          <Button type="primary" onClick={() => void navigate('/')}>
            {t('portal.nav.home')}
          </Button>
        }
      />
    </div>
  );
}
