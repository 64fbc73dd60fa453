import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../../plugins/auth.ts';
import {
  Delimiter,
  NoContent,
  Nullable,
  Prose,
  StringEnum,
  Uuid,
  problemRef,
  responses,
} from '../../../shared/schemas.ts';
import { loadEntry } from '../provision.service.ts';
import { CONNECTOR_RUN_JOB } from './connectors.jobs.ts';
import * as connectors from './connectors.service.ts';

const EntryParams = Type.Object({ id: Uuid }, { additionalProperties: false });
const ConnectorParams = Type.Object({ id: Uuid, connectorId: Uuid }, { additionalProperties: false });
const AllowParams = Type.Object({ id: Uuid }, { additionalProperties: false });
const Message = Type.Object({ zh: Type.String(), en: Type.String() });

const Connector = Type.Object(
  {
    id: Uuid,
    entryId: Uuid,
    kind: StringEnum(['http', 'postgres', 'mysql'] as const),
    url: Nullable(Type.String()),
    format: Nullable(StringEnum(connectors.HTTP_FORMATS)),
    encoding: Nullable(StringEnum(connectors.HTTP_ENCODINGS)),
    delimiter: Nullable(Type.String()),
    headerName: Nullable(Type.String()),
    host: Nullable(Type.String()),
    port: Nullable(Type.Integer()),
    database: Nullable(Type.String()),
    user: Nullable(Type.String()),
    query: Nullable(Type.String()),
    mapping: Type.Record(Type.String(), Type.String()),
    hasSecret: Type.Boolean({ description: 'A secret is stored (SM4-encrypted); it is never answered' }),
    secretUpdatedAt: Nullable(Type.String({ format: 'date-time' })),
    schedule: StringEnum(['cycle', 'cron', 'manual'] as const),
    cron: Nullable(Type.String()),
    effectiveCron: Nullable(
      Type.String({ description: 'The cron expression followed (Beijing time); null: manual only' }),
    ),
    updateCycle: Nullable(Type.String()),
    enabled: Type.Boolean(),
    nextRunAt: Nullable(Type.String({ format: 'date-time' })),
    lastRunAt: Nullable(Type.String({ format: 'date-time' })),
    lastState: Nullable(StringEnum(['running', 'succeeded', 'failed'] as const)),
    consecutiveFailures: Type.Integer(),
    failing: Type.Boolean({ description: 'Three or more failed runs in a row' }),
    failingSince: Nullable(Type.String({ format: 'date-time' })),
    lastError: Nullable(Message),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Connector' },
);

const ConnectorBody = Type.Object(
  {
    kind: StringEnum(['http', 'postgres', 'mysql'] as const),
    enabled: Type.Boolean(),
    schedule: StringEnum(['cycle', 'cron', 'manual'] as const, {
      description: "cycle: the entry's update cycle; cron: `cron` (Beijing time); manual: only “run now”",
    }),
    cron: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    format: Type.Optional(Nullable(StringEnum(connectors.HTTP_FORMATS))),
    encoding: Type.Optional(Nullable(StringEnum(connectors.HTTP_ENCODINGS))),
    delimiter: Type.Optional(Nullable(Delimiter)),
    headerName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    host: Type.Optional(Nullable(Type.String({ maxLength: 253 }))),
    port: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 65535 }))),
    database: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    user: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    query: Type.Optional(Nullable(Prose({ maxLength: 20_000 }))),
    mapping: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 64 }), {
        description: 'Source column → data item name',
      }),
    ),
    secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4000,
        description:
          'Password (databases) or header value (HTTP); write-only, stored SM4-encrypted. Absent keeps the stored one',
      }),
    ),
    clearSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Run = Type.Object(
  {
    id: Uuid,
    connectorId: Uuid,
    trigger: StringEnum(['schedule', 'retry', 'manual'] as const),
    attempt: Type.Integer(),
    state: StringEnum(['running', 'succeeded', 'failed'] as const),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
    durationMs: Nullable(Type.Integer()),
    rowCount: Nullable(Type.Integer()),
    excludedRowCount: Nullable(Type.Integer()),
    byteCount: Nullable(Type.Integer()),
    versionId: Nullable(Uuid),
    error: Nullable(Type.Object({ code: Type.String(), message: Message, detail: Nullable(Type.String()) })),
  },
  { $id: 'ConnectorRun' },
);

const AllowEntry = Type.Object(
  {
    id: Uuid,
    host: Type.String({ description: 'Host name, IP address or CIDR block' }),
    portFrom: Nullable(Type.Integer()),
    portTo: Nullable(Type.Integer()),
    note: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ConnectorAllowEntry' },
);

const AllowBody = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    portFrom: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 65535 }))),
    portTo: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 65535 }))),
    note: Type.Optional(Nullable(Prose({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

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
        response: responses({ 200: Type.Object({ items: Type.Array(Connector) }) }),
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
        response: responses({
          200: Type.Object({ queued: Type.Literal(false), run: Run }),
          202: Type.Object({ queued: Type.Literal(true) }),
        }),
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
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(Run) }) }),
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
        response: responses({ 200: Type.Object({ items: Type.Array(AllowEntry) }) }),
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
