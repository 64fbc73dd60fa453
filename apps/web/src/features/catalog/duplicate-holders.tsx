import { Button } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../app/i18n';

/** A published resource of another department that already holds a data item (Art. 14). */
export type Holder = {
  label: string;
  name: string;
  orgName: string;
  code?: string | null;
  entryId?: string;
  /** The server's concept of the item (synonyms share one), to group holders by. */
  concept?: string;
};

const SHOWN = 3;

/** A data item label as the duplicate check compares it: width-folded, lower case, without spaces or punctuation. */
export const normaliseLabel = (label: string): string =>
  label
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');

/**
 * For `DuplicateHolders`' `mineOf`: the labels among `mine` (the entry's data items) that name the
 * same item as a holder's label, by their text or by the holder's concept.
 */
export function mineMatching(holders: Holder[], mine: string[]): (label: string) => string[] {
  return (label) => {
    const concept = holders.find((d) => d.label === label)?.concept;
    const n = normaliseLabel(label);
    return mine
      .map((l) => l.trim())
      .filter((l) => {
        const m = normaliseLabel(l);
        return m !== '' && (m === n || m === concept);
      });
  };
}

/** Base resources (代码 1xx/…) first: they are where shared data should come from (Art. 19). */
const rank = (h: Holder) => (h.code?.startsWith('1') ? 0 : h.code ? 1 : 2);

function HolderGroup({ label, holders, mine }: { label: string; holders: Holder[]; mine?: string[] }) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  const sorted = [...holders].sort((a, b) => rank(a) - rank(b) || (a.code ?? '').localeCompare(b.code ?? ''));
  const shown = all ? sorted : sorted.slice(0, SHOWN);
  return (
    <li data-testid="duplicate-item" data-label={label}>
      <strong>“{label}”</strong>
      {mine && mine.length > 0 ? t('catalog.editor.duplicates.yours', { mine: mine.join('、') }) : ''}
      {t('catalog.duplicates.providedBy')}
      {shown.map((h, i) => (
        <span key={`${h.entryId ?? h.name}-${h.orgName}`} className="ht-dup-holder">
          {i > 0 ? '、' : ''}
          {h.orgName}《
          {h.entryId ? (
            <Link to={`/workspace/catalog/entries/${h.entryId}`} target="_blank">
              {h.name}
            </Link>
          ) : (
            h.name
          )}
          》{h.code ? <span className="ht-muted">（{h.code}）</span> : null}
        </span>
      ))}
      {sorted.length > SHOWN ? (
        <Button type="link" size="small" onClick={() => setAll(!all)} className="ht-dup-more">
          {all ? t('catalog.facet.less') : t('catalog.duplicates.more', { count: sorted.length })}
        </Button>
      ) : null}
    </li>
  );
}

/**
 * The data items another department already provides, one line per item with the resources that
 * hold it. `mineOf` names, for a holder's label, the items of the entry being edited that match it.
 */
export function DuplicateHolders({
  holders,
  mineOf,
}: {
  holders: Holder[];
  mineOf?: (label: string) => string[];
}) {
  const groups = new Map<string, Holder[]>();
  for (const h of holders) {
    const key = h.concept ?? h.label;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  return (
    <ul className="ht-comment-list ht-dup-list">
      {[...groups].map(([key, list]) => {
        const labels = [...new Set(list.map((h) => h.label))];
        return (
          <HolderGroup
            key={key}
            label={labels.join('／')}
            holders={list}
            mine={mineOf?.(labels[0] ?? key).filter((m) => !labels.includes(m))}
          />
        );
      })}
    </ul>
  );
}
