import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { useDocumentTitle, useI18n } from '../app/i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  useDocumentTitle(t('notFound.title'));
  return (
    <div data-testid="not-found" className="ht-not-found">
      <Result
        status="404"
        title="404"
        subTitle={t('notFound.description')}
        extra={
          <Button type="primary" onClick={() => void navigate('/')}>
            {t('portal.nav.home')}
          </Button>
        }
      />
    </div>
  );
}
