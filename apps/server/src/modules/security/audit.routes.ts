import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditScope } from '../../shared/policy.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import { AuditPage, AuditQuery, ChainReport } from '@huitong/contract/security';
import { responses } from '../../shared/schemas.ts';
import { listAudit, verifyChain, type OrgAccess } from './audit.service.ts';

export type AuditRouteOptions = OrgAccess;

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRouteOptions> = async (app, org) => {
  app.get(
    '/audit',
    {
      config: { policy: 'auditor' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail (auditors, read-only) / 审计日志',
        querystring: AuditQuery,
        response: responses({ 200: AuditPage }),
      },
    },
    async (request) => {
      const scope = request.principal ? auditScope(request.principal) : null;
      if (!scope) throw new ForbiddenError();
      const { page = 1, pageSize = 50, ...filter } = request.query;
      const { rows, total } = await listAudit(app.db, org, { ...filter, scope }, page, pageSize);
      return {
        items: rows.map((r) => ({
          seq: r.seq,
          at: r.at.toISOString(),
          actorId: r.actor_id,
          actorName: r.actor_name,
          actorKind: r.actor_kind,
          orgId: r.org_id,
          orgName: r.org_name,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          ip: r.ip,
          result: r.result,
          detail: r.detail,
          prevHash: r.prev_hash,
          hash: r.hash,
        })),
        total,
        page,
        pageSize,
      };
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { policy: 'auditor' },
      schema: {
        tags: ['audit'],
        summary: 'Re-compute the SM3 hash chain and name the first broken entry / 校验审计链',
        response: responses({ 200: ChainReport }),
      },
    },
    async () => verifyChain(app.db),
  );
};
