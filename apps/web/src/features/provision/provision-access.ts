import { hasRole, type MeAccount } from '../auth/auth-api';
import { isDepartmentStaff } from '../catalog/catalog-access';

/** A data provider of a department or enterprise: uploads its published entries' data (资源数据). */
export const canProvide = (a: MeAccount | null | undefined): boolean =>
  isDepartmentStaff(a) && hasRole(a, 'provider');
