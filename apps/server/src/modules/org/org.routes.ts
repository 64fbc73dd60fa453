import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../plugins/auth.ts';
import { IdParams, NoContent, responses } from '../../shared/schemas.ts';
import * as orgs from './org.service.ts';
import {
  Account,
  AccountPage,
  CreateAccountBody,
  CreateCredentialBody,
  CreateDivisionBody,
  CreateOrgBody,
  CreatedCredential,
  Credential,
  CredentialList,
  Division,
  DivisionList,
  DivisionParams,
  ListAccountsQuery,
  ListCredentialsQuery,
  ListOrgsQuery,
  Organisation,
  OrganisationPage,
  ResetPasswordBody,
  RoleList,
  UpdateAccountBody,
  UpdateDivisionBody,
  UpdateOrgBody,
} from '@huitong/contract/org';
import { accountDto, credentialDto, divisionDto, orgDto } from './org.dto.ts';

export const orgRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.db;

  // ---------- roles ----------
  app.get(
    '/roles',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['accounts'],
        summary: 'Roles and who may hold them / 角色',
        response: responses({ 200: RoleList }),
      },
    },
    async () => ({ items: [...orgs.roles()] }),
  );

  // ---------- divisions ----------
  app.get(
    '/divisions',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['organisations'],
        summary: 'Administrative divisions (GB/T 2260) / 行政区划',
        response: responses({ 200: DivisionList }),
      },
    },
    async () => ({ items: (await orgs.listDivisions(db)).map(divisionDto) }),
  );
  app.post(
    '/divisions',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags: ['organisations'],
        summary: 'Add a division / 新增行政区划',
        body: CreateDivisionBody,
        response: responses({ 201: Division }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(divisionDto(await orgs.createDivision(db, actorOf(request), request.body))),
  );
  app.patch(
    '/divisions/:code',
    {
      config: { policy: 'cityAdmin' },
      schema: {
        tags: ['organisations'],
        summary: 'Rename a division / 修改行政区划名称',
        params: DivisionParams,
        body: UpdateDivisionBody,
        response: responses({ 200: Division }),
      },
    },
    async (request) =>
      divisionDto(await orgs.renameDivision(db, actorOf(request), request.params.code, request.body.name)),
  );

  // ---------- organisations ----------
  app.get(
    '/organisations',
    {
      config: { policy: 'staff' },
      schema: {
        tags: ['organisations'],
        summary: 'List organisations / 机构列表',
        querystring: ListOrgsQuery,
        response: responses({ 200: OrganisationPage }),
      },
    },
    async (request) => {
      const { page = 1, pageSize = 20, ...filter } = request.query;
      const { rows, total } = await orgs.listOrgs(db, filter, page, pageSize);
      return { items: rows.map(orgDto), total, page, pageSize };
    },
  );
  app.get(
    '/organisations/:id',
    {
      config: { policy: 'staff' },
      schema: {
        tags: ['organisations'],
        summary: 'One organisation / 机构详情',
        params: IdParams,
        response: responses({ 200: Organisation }),
      },
    },
    async (request) => orgDto(await orgs.getOrg(db, request.params.id)),
  );
  app.post(
    '/organisations',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation / 新建机构',
        body: CreateOrgBody,
        response: responses({ 201: Organisation }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(orgDto(await orgs.createOrg(db, actorOf(request), request.body))),
  );
  app.patch(
    '/organisations/:id',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['organisations'],
        summary: 'Edit an organisation / 修改机构',
        params: IdParams,
        body: UpdateOrgBody,
        response: responses({ 200: Organisation }),
      },
    },
    async (request) => orgDto(await orgs.updateOrg(db, actorOf(request), request.params.id, request.body)),
  );

  // ---------- accounts ----------
  app.get(
    '/accounts',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Staff accounts you manage / 账号列表',
        querystring: ListAccountsQuery,
        response: responses({ 200: AccountPage }),
      },
    },
    async (request) => {
      const { page = 1, pageSize = 20, orgId, q } = request.query;
      const filter = { ...(orgId ? { orgId } : {}), ...(q ? { q } : {}) };
      const { rows, total } = await orgs.listAccounts(db, actorOf(request), filter, page, pageSize);
      return { items: rows.map(accountDto), total, page, pageSize };
    },
  );
  app.get(
    '/accounts/:id',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'One staff account / 账号详情',
        params: IdParams,
        response: responses({ 200: Account }),
      },
    },
    async (request) => accountDto(await orgs.getAccount(db, actorOf(request), request.params.id)),
  );
  app.post(
    '/accounts',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Create a staff account / 新建账号',
        body: CreateAccountBody,
        response: responses({ 201: Account }),
      },
    },
    async (request, reply) =>
      reply.code(201).send(accountDto(await orgs.createAccount(db, actorOf(request), request.body))),
  );
  app.patch(
    '/accounts/:id',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Edit roles, status or name / 修改账号',
        params: IdParams,
        body: UpdateAccountBody,
        response: responses({ 200: Account }),
      },
    },
    async (request) =>
      accountDto(await orgs.updateAccount(db, actorOf(request), request.params.id, request.body)),
  );
  app.post(
    '/accounts/:id/password',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Set a temporary password / 重置密码',
        params: IdParams,
        body: ResetPasswordBody,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await orgs.resetPassword(db, actorOf(request), request.params.id, request.body.password);
      return reply.code(204).send();
    },
  );
  app.post(
    '/accounts/:id/unlock',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Lift a lock-out / 解除锁定',
        params: IdParams,
        response: responses({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await orgs.unlockAccount(db, actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  // ---------- API credentials ----------
  app.get(
    '/credentials',
    {
      config: { policy: 'credentialManager' },
      schema: {
        tags: ['credentials'],
        summary: 'API credentials / API 凭证列表',
        querystring: ListCredentialsQuery,
        response: responses({ 200: CredentialList }),
      },
    },
    async (request) => ({
      items: (await orgs.listCredentials(db, actorOf(request), request.query.orgId)).map(credentialDto),
    }),
  );
  app.post(
    '/credentials',
    {
      config: { policy: 'credentialManager' },
      schema: {
        tags: ['credentials'],
        summary: 'Issue an API credential; the secret is returned only here / 签发 API 凭证',
        body: CreateCredentialBody,
        response: responses({ 201: CreatedCredential }),
      },
    },
    async (request, reply) => {
      const created = await orgs.createCredential(db, actorOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...created, credential: credentialDto(created.credential) });
    },
  );
  app.post(
    '/credentials/:id/revoke',
    {
      config: { policy: 'credentialManager' },
      schema: {
        tags: ['credentials'],
        summary: 'Revoke an API credential / 吊销 API 凭证',
        params: IdParams,
        response: responses({ 200: Credential }),
      },
    },
    async (request) => credentialDto(await orgs.revokeCredential(db, actorOf(request), request.params.id)),
  );
};
