import { DivisionsPanel } from '../features/org/divisions-panel';

export function DivisionsPage() {
  return <DivisionsPanel />;
}
