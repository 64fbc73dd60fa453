import { useI18n } from '../app/i18n';
import { PageContainer } from '../components/page-container';
import { catalogApi } from '../features/catalog/catalog-api';
import { CatalogSearchView } from '../features/catalog/catalog-search-view';

export { CatalogUpkeep as CatalogUpkeepPage } from '../features/catalog/catalog-upkeep';
export { EntryDetail as CatalogEntryPage } from '../features/catalog/entry-detail';
export { EntryEditor as CatalogEditorPage } from '../features/catalog/entry-editor';
export { LegalBasesPanel as LegalBasesPage } from '../features/catalog/legal-bases-panel';
export { MyEntries as MyCatalogPage } from '../features/catalog/my-entries';
export { ReviewQueue as CatalogReviewPage } from '../features/catalog/review-queue';

/** 目录检索 (`/workspace/catalog`): the published sharing catalog, for all staff. */
export function CatalogSearchPage() {
  const { t } = useI18n();
  return (
    <PageContainer
      title={t('nav.catalog.search')}
      description={t('catalog.search.description')}
      testId="catalog-search-page"
    >
      <CatalogSearchView
        load={catalogApi.search}
        linkOf={(item) => ({ to: `/workspace/catalog/entries/${item.id}` })}
        placeholder={t('catalog.search.placeholder')}
        inputTestId="catalog-search-input"
        exportable
      />
    </PageContainer>
  );
}
