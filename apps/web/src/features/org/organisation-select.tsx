import { Select } from 'antd';
import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useI18n } from '../../app/i18n';
import { orgApi } from './org-api';
import type { Organisation } from '@huitong/contract/org';
import type { OrgKind } from '@huitong/contract/values';

type Props = {
  value?: string | null;
  onChange?: (value: string | undefined) => void;
  /** Called with the chosen organisation (or undefined when cleared). */
  onPick?: (org: Organisation | undefined) => void;
  kind?: OrgKind;
  /** Leave out this organisation (an organisation cannot be its own parent). */
  excludeId?: string;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  testId?: string;
  style?: CSSProperties;
};

/** A searchable organisation picker over `GET /api/organisations?q=` (first 50 matches). */
export function OrganisationSelect({
  value,
  onChange,
  onPick,
  kind,
  excludeId,
  placeholder,
  allowClear = true,
  disabled,
  testId,
  style,
}: Props) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<Organisation[]>([]);
  const [loading, setLoading] = useState(false);
  const known = useRef(new Map<string, Organisation>());

  useEffect(() => {
    const controller = new AbortController();
    const timer = window.setTimeout(
      () => {
        setLoading(true);
        orgApi
          .listOrganisations({ page: 1, pageSize: 50, q: q || undefined, kind }, controller.signal)
          .then((page) => {
            for (const o of page.items) known.current.set(o.id, o);
            setOptions(page.items);
          })
          .catch(() => setOptions([]))
          .finally(() => {
            if (!controller.signal.aborted) setLoading(false);
          });
      },
      q ? 250 : 0,
    );
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [q, kind]);

  // Make sure the current value has a label even when it is not among the search results.
  useEffect(() => {
    if (!value || known.current.has(value)) return;
    const controller = new AbortController();
    orgApi
      .getOrganisation(value)
      .then((o) => {
        known.current.set(o.id, o);
        setOptions((prev) => (prev.some((p) => p.id === o.id) ? prev : [o, ...prev]));
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [value]);

  const selectOptions = useMemo(() => {
    const list = options.filter((o) => o.id !== excludeId);
    const current = value ? known.current.get(value) : undefined;
    if (current && !list.some((o) => o.id === current.id)) list.unshift(current);
    return list.map((o) => ({ value: o.id, label: o.name }));
  }, [options, excludeId, value]);

  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value ?? undefined}
      placeholder={placeholder ?? t('org.select.placeholder')}
      allowClear={allowClear}
      disabled={disabled}
      loading={loading}
      options={selectOptions}
      notFoundContent={loading ? t('common.loading') : t('common.noMatch')}
      onChange={(v: string | undefined) => {
        onChange?.(v);
        onPick?.(v ? known.current.get(v) : undefined);
        if (!v) setQ('');
      }}
      data-testid={testId}
      style={style}
    />
  );
}
