import { OrganisationsPanel } from '../features/org/organisations-panel';

export function OrganisationsPage() {
  return <OrganisationsPanel />;
}
