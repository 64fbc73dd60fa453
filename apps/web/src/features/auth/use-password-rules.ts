import type { FormRule } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../app/i18n';
import { PASSWORD_MIN_LENGTH, passwordClasses } from './password-policy';

/** Form rules mirroring the server's password policy, so users learn of a weak password at once. */
export function usePasswordRules(): FormRule[] {
  const { t } = useI18n();
  return useMemo<FormRule[]>(
    () => [
      { required: true, message: t('auth.password.required') },
      { min: PASSWORD_MIN_LENGTH, message: t('auth.password.tooShort', { min: PASSWORD_MIN_LENGTH }) },
      {
        validator: (_, value: string | undefined) =>
          !value || passwordClasses(value) >= 3
            ? Promise.resolve()
            : Promise.reject(new Error(t('auth.password.weak'))),
      },
      { max: 200 },
    ],
    [t],
  );
}
