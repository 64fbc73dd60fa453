import { AlertOutlined } from '@ant-design/icons';
import { Space, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { useI18n } from '../../app/i18n';
import type { QualityProblem } from '@huitong/contract/quality';
import type { ActingRole, ProblemKind, Severity } from '@huitong/contract/values';

dayjs.extend(utc);

export const KIND_COLOURS: Record<ProblemKind, string> = {
  no_data: 'default',
  overdue: 'red',
  low_quality: 'orange',
  quality_drop: 'volcano',
  rows_excluded: 'gold',
  declared_mismatch: 'magenta',
  connector_failing: 'purple',
};

export const SEVERITY_COLOURS: Record<Severity, string> = {
  high: '#cf1322',
  medium: '#d46b08',
  low: '#8c8c8c',
};

export const beijingDate = (iso: string | null): string =>
  iso
    ? dayjs(iso)
        .utcOffset(8 * 60)
        .format('YYYY-MM-DD')
    : '—';

export function ProblemKindTag({ kind }: { kind: ProblemKind }) {
  const { t } = useI18n();
  return (
    <Tag color={KIND_COLOURS[kind]} data-testid="quality-kind" data-kind={kind}>
      {t(`provision.quality.kind.${kind}`)}
    </Tag>
  );
}

export function SeverityTag({ severity }: { severity: Severity }) {
  const { t } = useI18n();
  return (
    <Tag color={SEVERITY_COLOURS[severity]} data-testid="quality-severity" data-severity={severity}>
      {t(`provision.quality.severity.${severity}`)}
    </Tag>
  );
}

/**
 * Who must act: one tag per organisation with its roles (the department's providers and
 * cataloguers; the supervising authority's reviewers, in red, once the problem is escalated).
 */
export function MustAct({ problem }: { problem: QualityProblem }) {
  const { t } = useI18n();
  const byOrg = new Map<string, { orgName: string; roles: ActingRole[] }>();
  for (const m of problem.mustAct) {
    const o = byOrg.get(m.orgId) ?? { orgName: m.orgName, roles: [] };
    o.roles.push(m.role);
    byOrg.set(m.orgId, o);
  }
  return (
    <Space size={[4, 4]} wrap data-testid="quality-must-act">
      {[...byOrg].map(([orgId, o]) => {
        const authority = o.roles.includes('reviewer');
        const tag = (
          <Tag
            key={orgId}
            color={authority ? 'red' : undefined}
            icon={authority ? <AlertOutlined /> : undefined}
            data-roles={o.roles.join(',')}
            data-testid={authority ? 'quality-escalated' : undefined}
            style={{ marginInlineEnd: 0 }}
          >
            {o.orgName}：{o.roles.map((r) => t(`role.${r}`)).join('、')}
          </Tag>
        );
        return authority ? (
          <Tooltip key={orgId} title={t('provision.quality.escalatedHint', { days: problem.ageDays })}>
            {tag}
          </Tooltip>
        ) : (
          tag
        );
      })}
    </Space>
  );
}
