import { CredentialsPanel } from '../features/org/credentials-panel';

export function CredentialsPage() {
  return <CredentialsPanel />;
}
