import type { AllowBody, ConnectorBody } from '@huitong/contract/provision';
import { call } from '../../api/client';

export const connectorsApi = {
  list: async (entryId: string, signal?: AbortSignal) =>
    (await call('GET /api/provision/entries/:id/connectors', { params: { id: entryId }, signal })).items,
  create: (entryId: string, input: ConnectorBody) =>
    call('POST /api/provision/entries/:id/connectors', { params: { id: entryId }, body: input }),
  update: (entryId: string, id: string, input: ConnectorBody) =>
    call('PUT /api/provision/entries/:id/connectors/:connectorId', {
      params: { id: entryId, connectorId: id },
      body: input,
    }),
  remove: (entryId: string, id: string) =>
    call('DELETE /api/provision/entries/:id/connectors/:connectorId', {
      params: { id: entryId, connectorId: id },
    }),
  run: (entryId: string, id: string) =>
    call('POST /api/provision/entries/:id/connectors/:connectorId/run', {
      params: { id: entryId, connectorId: id },
    }),
  runs: async (entryId: string, id: string, signal?: AbortSignal) =>
    (
      await call('GET /api/provision/entries/:id/connectors/:connectorId/runs', {
        params: { id: entryId, connectorId: id },
        query: { limit: 20 },
        signal,
      })
    ).items,
  allowList: async (signal?: AbortSignal) =>
    (await call('GET /api/provision/connector-allow-list', { signal })).items,
  addAllowed: (input: AllowBody) => call('POST /api/provision/connector-allow-list', { body: input }),
  updateAllowed: (id: string, input: AllowBody) =>
    call('PUT /api/provision/connector-allow-list/:id', { params: { id }, body: input }),
  removeAllowed: (id: string) => call('DELETE /api/provision/connector-allow-list/:id', { params: { id } }),
};
