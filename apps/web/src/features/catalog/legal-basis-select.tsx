import { Select, Tag } from 'antd';
import { useMemo } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { catalogApi } from './catalog-api';
import { basisTitle } from './catalog-labels';
import type { LegalBasis } from '@huitong/contract/catalog';

type Props = {
  value?: string[];
  onChange?: (value: string[]) => void;
  testId?: string;
  status?: 'error' | 'warning' | '';
};

/** Picks legal bases from the library; withdrawn ones stay shown (if already cited) but cannot be added. */
export function LegalBasisSelect({ value, onChange, testId, status }: Props) {
  const { t } = useI18n();
  const bases = useAsync((signal) => catalogApi.listLegalBases(true, signal), []);
  const byId = useMemo(() => new Map((bases.data ?? []).map((b) => [b.id, b])), [bases.data]);
  const options = (bases.data ?? [])
    .filter((b) => b.active || value?.includes(b.id))
    .map((b) => ({
      value: b.id,
      label: basisTitle(b),
      disabled: !b.active,
      search: `${b.title} ${b.article} ${b.quote}`,
    }));

  return (
    <Select<string[]>
      mode="multiple"
      value={value ?? []}
      onChange={(v) => onChange?.(v)}
      loading={bases.loading}
      placeholder={t('catalog.editor.basis.placeholder')}
      options={options}
      status={status}
      showSearch={{
        filterOption: (input, option) =>
          (option as { search?: string } | undefined)?.search?.toLowerCase().includes(input.toLowerCase()) ??
          false,
      }}
      optionRender={(option) => {
        const b: LegalBasis | undefined = byId.get(String(option.value));
        if (!b) return option.label;
        return (
          <div className="ht-basis-option" data-testid="legal-basis-option">
            <div>
              <strong>{b.title}</strong> {b.article}{' '}
              <Tag style={{ marginInlineStart: 4 }}>{t(`catalog.basisKind.${b.kind}`)}</Tag>
              {!b.active ? <Tag>{t('status.inactive')}</Tag> : null}
            </div>
            <div className="ht-basis-option-quote">{b.quote}</div>
          </div>
        );
      }}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
