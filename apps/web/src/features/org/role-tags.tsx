import { Space, Tag } from 'antd';
import { useRoleCatalog } from './use-roles';

const ROLE_COLOURS: Record<string, string> = {
  admin: 'geekblue',
  reviewer: 'purple',
  cataloguer: 'cyan',
  provider: 'blue',
  approver: 'gold',
  user: 'green',
  security_officer: 'volcano',
  auditor: 'magenta',
  evaluator: 'lime',
};

export function RoleTags({ roles, testId }: { roles: readonly string[]; testId?: string }) {
  const { nameOf } = useRoleCatalog();
  return (
    <Space size={[0, 4]} wrap data-testid={testId}>
      {roles.map((code) => (
        <Tag key={code} color={ROLE_COLOURS[code] ?? 'default'} data-role={code}>
          {nameOf(code)}
        </Tag>
      ))}
    </Space>
  );
}
