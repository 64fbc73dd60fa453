import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, onUnauthorized, setCsrfToken } from '../../api/client';
import type { Me, MeAccount } from '@huitong/contract/org';
import { authApi } from './auth-api';

export type AuthState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; me: Me };

export type Auth = {
  state: AuthState;
  /** The signed-in account, or null while loading or anonymous. */
  account: MeAccount | null;
  /** Asks the server who we are (`/api/auth/session`: null → anonymous). */
  refresh: () => Promise<Me | null>;
  signIn: (username: string, password: string) => Promise<Me>;
  signOut: () => Promise<void>;
};

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const apply = useCallback((me: Me | null) => {
    setCsrfToken(me?.csrfToken ?? null);
    setState(me ? { status: 'signed-in', me } : { status: 'anonymous' });
  }, []);

  const refresh = useCallback(async (): Promise<Me | null> => {
    try {
      // Answers 200 to an anonymous visitor too: no failed request in the console on every page load.
      const { me } = await authApi.session();
      apply(me);
      return me;
    } catch {
      // The server is unreachable: treat as anonymous so public pages still render.
      apply(null);
      return null;
    }
  }, [apply]);

  const signIn = useCallback(
    async (username: string, password: string): Promise<Me> => {
      const me = await authApi.signIn(username, password);
      if (me && typeof me.csrfToken === 'string' && me.account) {
        apply(me);
        return me;
      }
      const fresh = await authApi.me();
      apply(fresh);
      return fresh;
    },
    [apply],
  );

  const signOut = useCallback(async (): Promise<void> => {
    try {
      await authApi.signOut();
    } catch (err) {
      // Already signed out on the server is fine; anything else is still a local sign-out.
      if (!(err instanceof ApiError)) throw err;
    } finally {
      apply(null);
    }
  }, [apply]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(null);
        setState((prev) => (prev.status === 'signed-in' ? { status: 'anonymous' } : prev));
      }),
    [],
  );

  const value = useMemo<Auth>(
    () => ({
      state,
      account: state.status === 'signed-in' ? state.me.account : null,
      refresh,
      signIn,
      signOut,
    }),
    [state, refresh, signIn, signOut],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
