export { ProvisionEntry as ProvisionEntryPage } from '../features/provision/provision-entry';
export { ProvisionList as ProvisionPage } from '../features/provision/provision-list';
