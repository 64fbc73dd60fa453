import { useCallback } from 'react';
import { api, itemsOf } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { normaliseRole, type Role } from './org-types';

let cache: Promise<Role[]> | null = null;

/** `GET /api/roles`, fetched once per page load (the list is static between releases). */
export function loadRoles(): Promise<Role[]> {
  if (!cache) {
    cache = api
      .get<unknown[] | { items: unknown[] }>('/api/roles')
      .then((data) =>
        itemsOf(data)
          .map(normaliseRole)
          .filter((r): r is Role => r !== null),
      )
      .catch((err: unknown) => {
        cache = null;
        throw err;
      });
  }
  return cache;
}

export type RoleCatalog = {
  roles: Role[];
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
      const role = roles.find((r) => r.code === code);
      return role ? pick(role.name) : tDynamic(`role.${code}`, code);
    },
    [roles, pick, tDynamic],
  );
  return { roles, loading, error, nameOf };
}
