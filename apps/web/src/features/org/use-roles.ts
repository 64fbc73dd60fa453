import type { RoleInfo } from '@huitong/contract/values';
import { useCallback } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { orgApi } from './org-api';

let cache: Promise<RoleInfo[]> | null = null;

/** `GET /api/roles`, fetched once per page load (the list is static between releases). */
export function loadRoles(): Promise<RoleInfo[]> {
  if (!cache) {
    cache = orgApi.listRoles().catch((err: unknown) => {
      cache = null;
      throw err;
    });
  }
  return cache;
}

export type RoleCatalog = {
  roles: RoleInfo[];
  loading: boolean;
  error: unknown;
  /** The role's name in the current language (the server's name, else our dictionary, else the code). */
  nameOf: (code: string) => string;
};

export function useRoleCatalog(): RoleCatalog {
  const { pick, tDynamic } = useI18n();
  const { data, loading, error } = useAsync(() => loadRoles(), []);
  const roles = data ?? [];
  const nameOf = useCallback(
    (code: string) => {
      const role = roles.find((r) => r.role === code);
      return role ? pick(role) : tDynamic(`role.${code}`, code);
    },
    [roles, pick, tDynamic],
  );
  return { roles, loading, error, nameOf };
}
