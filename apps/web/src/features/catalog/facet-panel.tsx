import { CheckOutlined, StarFilled } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useFacetLabel } from './catalog-labels';
import type { FacetValue } from '@huitong/contract/catalog';
import { FACET_NAMES, PRIORITY_DOMAINS, isPriorityDomain, type FacetName } from '@huitong/contract/values';
import { FACET_PARAM, type SearchFilters } from './use-catalog-search';

const COLLAPSED = 8;

type Props = {
  facets: Record<FacetName, FacetValue[]> | undefined;
  filters: SearchFilters;
  onChange: (key: keyof SearchFilters, value: string | undefined) => void;
  /** Facets to leave out. */
  hide?: readonly FacetName[];
};

function FacetOption({
  name,
  value,
  label,
  count,
  selected,
  priority,
  onClick,
}: {
  name: FacetName;
  value: string;
  label: string;
  count: number;
  selected: boolean;
  priority?: boolean;
  onClick: () => void;
}) {
  const disabled = count === 0 && !selected;
  return (
    <li>
      <button
        type="button"
        className={`ht-facet-option${selected ? ' is-selected' : ''}${priority ? ' is-priority' : ''}`}
        disabled={disabled}
        aria-pressed={selected}
        onClick={onClick}
        data-testid={`facet-${name}-${value}`}
      >
        <span className="ht-facet-label">
          {selected ? <CheckOutlined className="ht-facet-check" /> : null}
          {priority ? <StarFilled className="ht-facet-star" /> : null}
          {label}
        </span>
        <span className="ht-facet-count">{count}</span>
      </button>
    </li>
  );
}

function FacetGroup({
  name,
  values,
  selected,
  onToggle,
}: {
  name: FacetName;
  values: FacetValue[];
  selected: string | undefined;
  onToggle: (value: string) => void;
}) {
  const { t } = useI18n();
  const label = useFacetLabel();
  const [expanded, setExpanded] = useState(false);
  const shown = (expanded ? values : values.slice(0, COLLAPSED)).slice();
  // The selected value is always visible, even beyond the collapsed list.
  if (selected && !shown.some((v) => v.value === selected)) {
    const v = values.find((x) => x.value === selected);
    shown.push(v ?? { value: selected, label: selected, count: 0 });
  }
  return (
    <>
      <ul className="ht-facet-list">
        {shown.map((v) => (
          <FacetOption
            key={v.value}
            name={name}
            value={v.value}
            label={label(name, v.value, v.label)}
            count={v.count}
            selected={selected === v.value}
            onClick={() => onToggle(v.value)}
          />
        ))}
      </ul>
      {values.length > COLLAPSED ? (
        <Button type="link" size="small" className="ht-facet-more" onClick={() => setExpanded(!expanded)}>
          {expanded ? t('catalog.facet.less') : t('catalog.facet.more', { count: values.length })}
        </Button>
      ) : null}
    </>
  );
}

/** The facet panels of catalog search, each value with its count; clicking toggles the filter. */
export function FacetPanel({ facets, filters, onChange, hide = [] }: Props) {
  const { t } = useI18n();
  const active = FACET_NAMES.some((n) => filters[FACET_PARAM[n]]);
  return (
    <aside className="ht-facets" data-testid="facet-panel" aria-label={t('catalog.facet.title')}>
      {active ? (
        <Button
          block
          size="small"
          onClick={() => {
            for (const n of FACET_NAMES) if (filters[FACET_PARAM[n]]) onChange(FACET_PARAM[n], undefined);
          }}
          data-testid="facet-clear"
          style={{ marginBottom: 12 }}
        >
          {t('catalog.facet.clear')}
        </Button>
      ) : null}
      {FACET_NAMES.filter((n) => !hide.includes(n)).map((name) => {
        const param = FACET_PARAM[name];
        const selected = filters[param];
        const values = facets?.[name] ?? [];
        const toggle = (value: string) => onChange(param, selected === value ? undefined : value);
        if (name === 'domain') {
          const count = (d: string) => values.find((v) => v.value === d)?.count ?? 0;
          const others = values.filter((v) => !isPriorityDomain(v.value));
          return (
            <section key={name} className="ht-facet" data-testid={`facet-group-${name}`}>
              <h4 className="ht-facet-title">{t('catalog.facet.domain')}</h4>
              <div className="ht-facet-subtitle is-priority">{t('catalog.facet.priority')}</div>
              <ul className="ht-facet-list">
                {PRIORITY_DOMAINS.map((d) => (
                  <FacetOption
                    key={d}
                    name={name}
                    value={d}
                    label={d}
                    count={count(d)}
                    selected={selected === d}
                    priority
                    onClick={() => toggle(d)}
                  />
                ))}
              </ul>
              {others.length > 0 ? (
                <>
                  <div className="ht-facet-subtitle">{t('catalog.facet.otherDomains')}</div>
                  <FacetGroup
                    name={name}
                    values={others}
                    selected={selected && !isPriorityDomain(selected) ? selected : undefined}
                    onToggle={toggle}
                  />
                </>
              ) : null}
            </section>
          );
        }
        if (values.length === 0 && !selected) return null;
        return (
          <section key={name} className="ht-facet" data-testid={`facet-group-${name}`}>
            <h4 className="ht-facet-title">{t(`catalog.facet.${name}`)}</h4>
            <FacetGroup name={name} values={values} selected={selected} onToggle={toggle} />
          </section>
        );
      })}
    </aside>
  );
}
