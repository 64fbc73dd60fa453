import { StarFilled } from '@ant-design/icons';
import { Space, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useCallback } from 'react';
import { useI18n } from '../../app/i18n';
import type { Category, LegalBasis } from '@huitong/contract/catalog';
import {
  isPriorityDomain,
  type FacetName,
  type OpenType,
  type ShareType,
  type VersionState,
} from '@huitong/contract/values';

export const SHARE_COLOURS: Record<ShareType, string> = {
  unconditional: 'green',
  conditional: 'gold',
  none: 'default',
};

export const OPEN_COLOURS: Record<OpenType, string> = {
  open: 'green',
  on_application: 'blue',
  closed: 'default',
};

export const STATE_COLOURS: Record<VersionState, string> = {
  draft: 'default',
  submitted: 'processing',
  returned: 'error',
  published: 'success',
  superseded: 'default',
};

/** Facets whose values are codes with an i18n label (the others carry their own label). */
const CODED_FACETS: Partial<Record<FacetName, string>> = {
  classification: 'catalog.classification',
  shareType: 'catalog.shareType',
  openType: 'catalog.openType',
  format: 'catalog.format',
  updateCycle: 'catalog.updateCycle',
};

/** The display text of a facet value in the current language. */
export function useFacetLabel(): (facet: FacetName, value: string, label?: string) => string {
  const { tDynamic } = useI18n();
  return useCallback(
    (facet, value, label) => {
      const prefix = CODED_FACETS[facet];
      return prefix ? tDynamic(`${prefix}.${value}`, label ?? value) : (label ?? value);
    },
    [tDynamic],
  );
}

export const formatTime = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—';

export const formatDate = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).format('YYYY-MM-DD') : '—';

/** 类 / 项 / 目 / 细目 joined, without the empty levels. */
export const categoryText = (c: Category | null | undefined): string =>
  c ? [c.l1, c.l2, c.l3, c.l4].filter((x) => x && x.trim()).join(' / ') : '';

export const basisTitle = (b: Pick<LegalBasis, 'title' | 'article'>): string => `${b.title} ${b.article}`;

export function ShareTypeTag({ value }: { value: ShareType }) {
  const { t } = useI18n();
  return (
    <Tag color={SHARE_COLOURS[value]} data-share-type={value}>
      {t(`catalog.shareType.${value}`)}
    </Tag>
  );
}

export function OpenTypeTag({ value }: { value: OpenType }) {
  const { t } = useI18n();
  return (
    <Tag color={OPEN_COLOURS[value]} data-open-type={value}>
      {t(`catalog.openType.${value}`)}
    </Tag>
  );
}

export function StateTag({ value, testId }: { value: VersionState; testId?: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATE_COLOURS[value]} data-state={value} data-testid={testId}>
      {t(`catalog.state.${value}`)}
    </Tag>
  );
}

/** Domains, the Art. 28 priority domains marked with a star. */
export function DomainTags({ domains }: { domains: readonly string[] }) {
  const { t } = useI18n();
  if (domains.length === 0) return <span className="ht-muted">—</span>;
  return (
    <Space size={[0, 4]} wrap>
      {domains.map((d) =>
        isPriorityDomain(d) ? (
          <Tooltip key={d} title={t('catalog.facet.priority')}>
            <Tag color="volcano" className="ht-domain-priority" icon={<StarFilled />}>
              {d}
            </Tag>
          </Tooltip>
        ) : (
          <Tag key={d}>{d}</Tag>
        ),
      )}
    </Space>
  );
}

/** The i18n key of a metadata field's label; data items and unknown fields fall back to the raw name. */
export function useFieldLabel(): (field: string, items?: { name: string; label: string }[]) => string {
  const { t, tDynamic } = useI18n();
  return useCallback(
    (field, items) => {
      const item = /^dataItems\.(.+)$/.exec(field);
      if (item) {
        const key = item[1] ?? '';
        const index = /^\d+/.exec(key);
        const found = index ? items?.[Number(index[0])] : items?.find((d) => d.name === key.split('.')[0]);
        const rest = key.split('.').slice(1).join('.');
        const head = t('catalog.item.prefix', { label: found?.label || key.split('.')[0] || key });
        return rest ? `${head} · ${tDynamic(`catalog.item.${rest}`, rest)}` : head;
      }
      if (field.startsWith('category.')) {
        return `${t('catalog.field.category')} · ${tDynamic(`catalog.${field}`, field)}`;
      }
      return tDynamic(`catalog.field.${field}`, field);
    },
    [t, tDynamic],
  );
}
