import { useDocumentTitle, useI18n } from '../app/i18n';
import { WelcomeCard } from '../features/auth/welcome-card';

export function WorkspaceHomePage() {
  const { t } = useI18n();
  useDocumentTitle(t('app.workspace'));
  return (
    <div className="ht-page" data-testid="workspace-home">
      <WelcomeCard />
    </div>
  );
}
