/** The roles, their names and duties: the contract's value list (packages/contract/src/values.ts). */
import { ROLE_INFO, type Role, type RoleInfo } from '@huitong/contract/values';

export { ROLES, ROLE_INFO, isRole } from '@huitong/contract/values';
export type { Role, RoleInfo };

export function roleInfo(role: Role): RoleInfo {
  const info = ROLE_INFO.find((r) => r.role === role);
  if (!info) throw new Error(`unknown role ${role}`);
  return info;
}
