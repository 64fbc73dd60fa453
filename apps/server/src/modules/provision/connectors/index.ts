export { connectorRoutes } from './connectors.routes.ts';
export { connectorJobs, CONNECTOR_DISPATCH_JOB, CONNECTOR_RUN_JOB } from './connectors.jobs.ts';
export { connectorFailures } from './connectors.service.ts';
