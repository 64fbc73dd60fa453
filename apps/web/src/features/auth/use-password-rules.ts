import type { FormRule } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../app/i18n';
import { PASSWORD_MIN_LENGTH, USERNAME_PATTERN, passwordClasses } from './password-policy';

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

/** Form rules of a new username (registration, an administrator creating an account). */
export function useUsernameRules(): FormRule[] {
  const { t } = useI18n();
  return useMemo<FormRule[]>(
    () => [
      { required: true, whitespace: true, message: t('form.required') },
      { pattern: USERNAME_PATTERN, message: t('register.username.invalid') },
    ],
    [t],
  );
}

/** Form rules of "confirm the password": required, and equal to the field `passwordField`. */
export function useConfirmPasswordRules(passwordField: string): FormRule[] {
  const { t } = useI18n();
  return useMemo<FormRule[]>(
    () => [
      { required: true, message: t('auth.password.required') },
      ({ getFieldValue }) => ({
        validator: (_, value: string | undefined) =>
          !value || value === getFieldValue(passwordField)
            ? Promise.resolve()
            : Promise.reject(new Error(t('auth.password.mismatch'))),
      }),
    ],
    [t, passwordField],
  );
}
