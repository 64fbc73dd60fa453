import { App } from 'antd';
import type { FormInstance } from 'antd';
import { useCallback } from 'react';
import { ApiError } from '../../api/client';
import { useI18n } from '../../app/i18n';

function fieldName(field: string): (string | number)[] {
  // Server paths may come as "creditCode", "body/creditCode", "/contacts/0/name" or "a.b".
  const parts = field
    .replace(/^\/?body\//, '')
    .split(/[./]/)
    .filter((p) => p.length > 0);
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Returns a function that shows an error in the current language: the server's message as a toast
 * and, when a form is given, each `fields[]` problem under its form field.
 */
export function useShowError(): (err: unknown, form?: FormInstance) => void {
  const { message } = App.useApp();
  const { t, pick } = useI18n();

  return useCallback(
    (err: unknown, form?: FormInstance) => {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      if (!(err instanceof ApiError)) {
        void message.error(t('error.unexpected'));
        return;
      }
      const { problem } = err;
      const unplaced: string[] = [];
      if (problem.fields && form) {
        const values: unknown = form.getFieldsValue();
        const registered = new Set(typeof values === 'object' && values !== null ? Object.keys(values) : []);
        const placed = problem.fields.filter((f) => {
          const name = fieldName(f.field);
          const head = name[0];
          if (typeof head === 'string' && registered.has(head)) return true;
          unplaced.push(pick(f.message));
          return false;
        });
        form.setFields(placed.map((f) => ({ name: fieldName(f.field), errors: [pick(f.message)] })));
      } else if (problem.fields) {
        for (const f of problem.fields) unplaced.push(`${f.field}: ${pick(f.message)}`);
      }
      let text: string;
      if (problem.message) text = pick(problem.message);
      else if (err.status === 0) text = t('error.network');
      else if (err.status === 403) text = t('error.forbidden');
      else if (err.status === 404) text = t('error.notFound');
      else text = t('error.http', { status: err.status });
      if (unplaced.length > 0) text = `${text}: ${unplaced.join('; ')}`;
      void message.error(text);
    },
    [message, t, pick],
  );
}
