import { Select } from 'antd';
import { useI18n } from '../../app/i18n';
import type { OrgKind, Role, RoleInfo } from '@huitong/contract/values';

type Props = {
  roles: RoleInfo[];
  /** Only roles that an organisation of this kind may hold; none are offered until it is known. */
  orgKind: OrgKind | undefined;
  /** Only roles a system (API credential) may hold. */
  forSystems?: boolean;
  value?: Role[];
  onChange?: (value: Role[]) => void;
  loading?: boolean;
  testId?: string;
  placeholder?: string;
};

export function rolesFor(roles: RoleInfo[], orgKind: OrgKind | undefined, forSystems = false): RoleInfo[] {
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
      onChange={(v: Role[]) => onChange?.(v)}
      loading={loading}
      disabled={!orgKind}
      placeholder={orgKind ? (placeholder ?? t('role.select.placeholder')) : t('role.select.pickOrgFirst')}
      options={allowed.map((r) => ({
        value: r.role,
        label: pick(r),
        title: pick({ zh: r.descriptionZh, en: r.descriptionEn }),
      }))}
      data-testid={testId}
    />
  );
}
