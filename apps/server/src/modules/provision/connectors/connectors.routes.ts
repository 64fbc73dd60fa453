import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../../plugins/auth.ts';
import {
  AllowBody,
  AllowEntry,
  AllowList,
  AllowParams,
  Connector,
  ConnectorBody,
  ConnectorList,
  ConnectorParams,
  ConnectorRunList,
  ConnectorRunsQuery,
  EntryParams,
  RunFinished,
  RunQueued,
} from '@huitong/contract/provision';
import { NoContent, problemRef, responses } from '../../../shared/schemas.ts';
import { loadEntry } from '../provision.service.ts';
import { CONNECTOR_RUN_JOB } from './connectors.jobs.ts';
import * as connectors from './connectors.service.ts';

const with422 = <T extends Parameters<typeof responses>[0]>(ok: T) => ({ ...responses(ok), 422: problemRef });

export const connectorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['data provision: connectors'];
  const handle = app.database;
  const db = app.db;
  const runtime = () => connectors.runtimeOf(app.config, app.log);

  app.get(
    '/provision/entries/:id/connectors',
    {
      config: { policy: 'provisionViewer' },
      schema: {
        tags,
        summary: 'The entry’s pull connector (none or one) / 数据连接器',
        params: EntryParams,
        response: responses({ 200: ConnectorList }),
      },
    },
    async (request) => {
      const entry = await loadEntry(db, request.params.id);
      return { items: await connectors.listConnectors(db, actorOf(request), entry) };
    },
  );
  app.post(
    '/provision/entries/:id/connectors',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Configure the entry’s pull connector / 配置数据连接器',
        description:
          'One connector per entry. The address (URL host, or database host) must be on the administrator’s allow-list (422 `connector_address_not_allowed` otherwise). The secret is write-only.',
        params: EntryParams,
        body: ConnectorBody,
        response: with422({ 201: Connector }),
      },
    },
    async (request, reply) => {
      const entry = await loadEntry(db, request.params.id);
      const created = await connectors.createConnector(db, runtime(), actorOf(request), entry, request.body);
      return reply.code(201).send(created);
    },
  );
  app.put(
    '/provision/entries/:id/connectors/:connectorId',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Change the pull connector / 修改数据连接器',
        description: 'Without `secret` the stored secret is kept; `clearSecret: true` removes it.',
        params: ConnectorParams,
        body: ConnectorBody,
        response: with422({ 200: Connector }),
      },
    },
    async (request) => {
      const entry = await loadEntry(db, request.params.id);
      return connectors.updateConnector(
        db,
        runtime(),
        actorOf(request),
        entry,
        request.params.connectorId,
        request.body,
      );
    },
  );
  app.delete(
    '/provision/entries/:id/connectors/:connectorId',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Remove the pull connector and its run history / 删除数据连接器',
        params: ConnectorParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const entry = await loadEntry(db, request.params.id);
      await connectors.deleteConnector(db, actorOf(request), entry, request.params.connectorId);
      return reply.code(204).send();
    },
  );
  app.post(
    '/provision/entries/:id/connectors/:connectorId/run',
    {
      config: { policy: 'provider' },
      schema: {
        tags,
        summary: 'Run the connector now / 立即运行',
        description:
          'With the job queue running, the run is queued (202) and appears in the run history; otherwise it runs in the request (200, the finished run). 409 `connector_busy` while a run is in progress.',
        params: ConnectorParams,
        response: responses({ 200: RunFinished, 202: RunQueued }),
      },
    },
    async (request, reply) => {
      const entry = await loadEntry(db, request.params.id);
      const queue = app.jobs;
      const run = await connectors.requestRun(
        handle,
        runtime(),
        actorOf(request),
        entry,
        request.params.connectorId,
        queue.running
          ? async (connectorId, startedBy) => {
              await queue.send(
                CONNECTOR_RUN_JOB,
                { connectorId, trigger: 'manual', startedBy },
                { singletonKey: connectorId },
              );
            }
          : undefined,
      );
      if (run === null) return reply.code(202).send({ queued: true as const });
      return reply.code(200).send({ queued: false as const, run });
    },
  );
  app.get(
    '/provision/entries/:id/connectors/:connectorId/runs',
    {
      config: { policy: 'provisionViewer' },
      schema: {
        tags,
        summary: 'Run history of the connector, latest first / 运行记录',
        params: ConnectorParams,
        querystring: ConnectorRunsQuery,
        response: responses({ 200: ConnectorRunList }),
      },
    },
    async (request) => {
      const entry = await loadEntry(db, request.params.id);
      return {
        items: await connectors.listRuns(
          db,
          actorOf(request),
          entry,
          request.params.connectorId,
          request.query.limit ?? 50,
        ),
      };
    },
  );

  app.get(
    '/provision/connector-allow-list',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags,
        summary: 'Addresses connectors may reach / 连接器地址清单',
        response: responses({ 200: AllowList }),
      },
    },
    async (request) => ({ items: await connectors.listAllowList(db, actorOf(request)) }),
  );
  app.post(
    '/provision/connector-allow-list',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags,
        summary: 'Allow an address (host name, IP or CIDR, with ports) / 添加允许的地址',
        body: AllowBody,
        response: responses({ 201: AllowEntry }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(await connectors.createAllowEntry(db, actorOf(request), request.body)),
  );
  app.put(
    '/provision/connector-allow-list/:id',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags,
        summary: 'Change an allowed address / 修改允许的地址',
        params: AllowParams,
        body: AllowBody,
        response: responses({ 200: AllowEntry }),
      },
    },
    async (request) => connectors.updateAllowEntry(db, actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/provision/connector-allow-list/:id',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags,
        summary: 'Remove an allowed address / 删除允许的地址',
        params: AllowParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await connectors.deleteAllowEntry(db, actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
