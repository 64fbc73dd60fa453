import { useLocation } from 'react-router';
import { useI18n } from '../app/i18n';
import { activeItem } from '../app/workspace-nav';
import { ComingSoon } from '../components/coming-soon';
import { PageContainer } from '../components/page-container';

/** The workspace placeholder for a part of the regulation that comes in a later release. */
export function ComingSoonPage() {
  const { t } = useI18n();
  const location = useLocation();
  const item = activeItem(location.pathname);
  const title = t(item.label);
  return (
    <PageContainer title={title} testId="coming-soon-page">
      <ComingSoon title={t('comingSoon.titleFor', { name: title })} />
    </PageContainer>
  );
}
