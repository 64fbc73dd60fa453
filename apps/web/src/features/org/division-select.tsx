import { Select } from 'antd';
import { useMemo, type CSSProperties } from 'react';
import { useI18n } from '../../app/i18n';
import type { Division } from '@huitong/contract/org';

type Props = {
  divisions: Division[];
  value?: string | null;
  onChange?: (value: string | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  loading?: boolean;
  testId?: string;
  style?: CSSProperties;
};

/** Divisions as "name (code)", indented under their parent. */
export function DivisionSelect({
  divisions,
  value,
  onChange,
  placeholder,
  allowClear = true,
  loading,
  testId,
  style,
}: Props) {
  const { t } = useI18n();
  const options = useMemo(() => {
    const byCode = new Map(divisions.map((d) => [d.code, d]));
    const depth = (d: Division): number => {
      let n = 0;
      let p = d.parentCode ? byCode.get(d.parentCode) : undefined;
      while (p && n < 5) {
        n += 1;
        p = p.parentCode ? byCode.get(p.parentCode) : undefined;
      }
      return n;
    };
    return divisions.map((d) => ({
      value: d.code,
      label: `${'\u3000'.repeat(depth(d))}${d.name} (${d.code})`,
      search: `${d.name} ${d.code}`,
    }));
  }, [divisions]);
  return (
    <Select
      showSearch={{ optionFilterProp: 'search' }}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v)}
      options={options}
      placeholder={placeholder ?? t('division.select.placeholder')}
      allowClear={allowClear}
      loading={loading}
      data-testid={testId}
      style={style}
    />
  );
}
