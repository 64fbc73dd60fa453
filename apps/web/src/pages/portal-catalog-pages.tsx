export {
  PortalCatalog as PortalCatalogPage,
  PortalEntry as PortalEntryPage,
  PortalRestrictions as PortalRestrictionsPage,
} from '../features/opening/portal-catalog';
