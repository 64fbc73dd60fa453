import type { EntryMetadata } from './catalog.model.ts';
import type * as repo from './catalog.repository.ts';
import type * as catalog from './catalog.service.ts';

type BasisRow = Awaited<ReturnType<typeof repo.listLegalBases>>[number];
export const basisDto = (
  b: Pick<BasisRow, 'id' | 'title' | 'kind' | 'article' | 'quote' | 'quote_is_summary'> & {
    active?: boolean;
  },
) => ({
  id: b.id,
  title: b.title,
  kind: b.kind,
  article: b.article,
  quote: b.quote,
  quoteIsSummary: b.quote_is_summary,
  active: b.active ?? true,
});

type Detail = catalog.EntryDetail;
type VersionRow = NonNullable<Detail['published']>;
export const iso = (d: Date | null) => d?.toISOString() ?? null;

export function versionDto(v: VersionRow, bases: Detail['bases']) {
  const own = bases.filter((b) => b.version_id === v.id);
  return {
    id: v.id,
    versionNo: v.version_no,
    state: v.state,
    metadata: v.metadata as EntryMetadata,
    shareBases: own.filter((b) => b.applies_to === 'share').map(basisDto),
    openBases: own.filter((b) => b.applies_to === 'open').map(basisDto),
    duplicateJustification: v.duplicate_justification,
    reviewComment: v.review_comment,
    fieldComments: v.field_comments,
    createdAt: v.created_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
    submittedAt: iso(v.submitted_at),
    submittedBy: v.submitted_by_name,
    reviewedAt: iso(v.reviewed_at),
    reviewedBy: v.reviewed_by_name,
    publishedAt: iso(v.published_at),
  };
}

export function entryDto(d: Detail) {
  return {
    id: d.entry.id,
    code: d.entry.code,
    orgId: d.entry.org_id,
    orgName: d.entry.org_name,
    published: d.published ? versionDto(d.published, d.bases) : null,
    working: d.working ? versionDto(d.working, d.bases) : null,
    firstPublishedAt: iso(d.entry.first_published_at),
    confirmedAt: iso(d.entry.confirmed_at),
    actions: d.actions,
  };
}

export function searchDto(
  result: Awaited<ReturnType<typeof catalog.search>>,
  page: number,
  pageSize: number,
) {
  return {
    items: result.rows.map((r) => ({ ...r, publishedAt: iso(r.publishedAt) })),
    total: result.total,
    page,
    pageSize,
    facets: result.facets,
  };
}
