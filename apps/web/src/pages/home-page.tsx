import { useDocumentTitle } from '../app/i18n';
import { PortalHero } from '../features/opening/portal-hero';
import { PortalForDepartments, PortalOpenTypes, PortalServices } from '../features/opening/portal-sections';

export function HomePage() {
  useDocumentTitle(null);
  return (
    <div data-testid="home-page">
      <PortalHero />
      <PortalServices />
      <PortalOpenTypes />
      <PortalForDepartments />
    </div>
  );
}
