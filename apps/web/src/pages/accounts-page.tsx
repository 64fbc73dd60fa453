import { AccountsPanel } from '../features/org/accounts-panel';

export function AccountsPage() {
  return <AccountsPanel />;
}
