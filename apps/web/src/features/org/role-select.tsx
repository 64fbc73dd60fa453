import { Select } from 'antd';
import { useI18n } from '../../app/i18n';
import type { OrgKind, Role } from './org-types';

type Props = {
  roles: Role[];
  /** Only roles that an organisation of this kind may hold; none are offered until it is known. */
  orgKind: OrgKind | undefined;
  /** Only roles a system (API credential) may hold. */
  forSystems?: boolean;
  value?: string[];
  onChange?: (value: string[]) => void;
  loading?: boolean;
  testId?: string;
  placeholder?: string;
};

export function rolesFor(roles: Role[], orgKind: OrgKind | undefined, forSystems = false): Role[] {
  if (!orgKind) return [];
  return roles.filter((r) => r.orgKinds.includes(orgKind) && (!forSystems || r.forSystems));
}

export function RoleSelect({
  roles,
  orgKind,
  forSystems = false,
  value,
  onChange,
  loading,
  testId,
  placeholder,
}: Props) {
  const { t, pick } = useI18n();
  const allowed = rolesFor(roles, orgKind, forSystems);
  return (
    <Select
      mode="multiple"
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(v: string[]) => onChange?.(v)}
      loading={loading}
      disabled={!orgKind}
      placeholder={orgKind ? (placeholder ?? t('role.select.placeholder')) : t('role.select.pickOrgFirst')}
      options={allowed.map((r) => ({ value: r.code, label: pick(r.name), title: pick(r.description) }))}
      data-testid={testId}
    />
  );
}
