import { RolesPanel } from '../features/org/roles-panel';

export function RolesPage() {
  return <RolesPanel />;
}
