import { Alert, Progress, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { rowTestId } from '../../components/row-test-id';
import type {
  FieldQuality,
  ValidationProblem,
  ValidationReport as Report,
} from '@huitong/contract/provision';
import { percentOf, percentText } from './provision-labels';

/** A validation report: counts, problems by rule, the problems listed and each field's quality. */
export function ValidationReport({ report }: { report: Report }) {
  const { t, tDynamic, pick } = useI18n();
  const ruleText = (rule: string) => tDynamic(`provision.rule.${rule}`, rule);
  const byRule = Object.entries(report.problemsByRule).sort((a, b) => b[1] - a[1]);

  const problemColumns: TableColumnsType<ValidationProblem> = [
    { title: t('provision.report.row'), dataIndex: 'row', width: 70 },
    { title: t('provision.report.column'), dataIndex: 'column', width: 160 },
    {
      title: t('provision.report.value'),
      dataIndex: 'value',
      width: 200,
      ellipsis: true,
      render: (v: string | null) => (v === null || v === '' ? <span className="ht-muted">—</span> : v),
    },
    {
      title: t('provision.report.rule'),
      dataIndex: 'rule',
      width: 200,
      render: (v: string) => <Tag color="red">{ruleText(v)}</Tag>,
    },
    {
      title: t('provision.report.message'),
      key: 'message',
      render: (_, p) => pick(p.message),
    },
  ];

  const fieldColumns: TableColumnsType<FieldQuality> = [
    {
      title: t('provision.report.field'),
      key: 'field',
      render: (_, f) => (
        <Space size={4}>
          <span>{f.column}</span>
          {f.column !== f.field ? <Typography.Text type="secondary">{f.field}</Typography.Text> : null}
          {f.required ? <Tag>{t('provision.report.required')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('provision.report.completeness'),
      dataIndex: 'completeness',
      width: 200,
      render: (v: number | null) => (
        <Progress
          size="small"
          percent={percentOf(v)}
          format={() => percentText(v)}
          status={v !== null && v < 1 ? 'normal' : 'success'}
        />
      ),
    },
    {
      title: t('provision.report.validShare'),
      dataIndex: 'validShare',
      width: 200,
      render: (v: number | null) => (
        <Progress
          size="small"
          percent={percentOf(v)}
          format={() => percentText(v)}
          status={v !== null && v < 1 ? 'exception' : 'success'}
        />
      ),
    },
    { title: t('provision.report.problemCount'), dataIndex: 'problems', width: 90 },
  ];

  return (
    <div data-testid="provision-report" className="ht-provision-report">
      <Space size="large" wrap>
        <Statistic title={t('provision.report.total')} value={report.totalRows} />
        <Statistic title={t('provision.report.valid')} value={report.validRows} />
        <Statistic
          title={t('provision.report.invalid')}
          value={report.invalidRows}
          styles={report.invalidRows > 0 ? { content: { color: '#cf1322' } } : undefined}
        />
        <Statistic title={t('provision.report.problemCount')} value={report.problemCount} />
      </Space>
      {byRule.length > 0 ? (
        <div style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{t('provision.report.byRule')}</Typography.Text>
          {byRule.map(([rule, count]) => (
            <Tag key={rule} color="red" data-testid="provision-rule-count">
              {ruleText(rule)} × {count}
            </Tag>
          ))}
        </div>
      ) : null}
      {report.notices && report.notices.length > 0 ? (
        <div style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{t('provision.report.notices')}</Typography.Text>
          {report.notices.map((n) => (
            <Alert
              key={`${n.code}:${n.field}`}
              type="warning"
              showIcon
              style={{ marginTop: 8 }}
              title={pick(n.message)}
              data-testid="provision-notice"
            />
          ))}
        </div>
      ) : null}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('provision.report.problems')}
      </Typography.Title>
      {report.problemsTruncated ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('provision.report.truncated', {
            shown: report.problems.length,
            total: report.problemCount,
          })}
        />
      ) : null}
      <PagedTable<ValidationProblem>
        rowKey={(p) => `${p.row}:${p.column}:${p.rule}`}
        size="small"
        columns={problemColumns}
        rows={report.problems}
        pageSize={10}
        showTotal={false}
        showSizeChanger={false}
        emptyText={t('provision.report.noProblems')}
        rowTestId="provision-problem-row"
        scroll={{ x: 800 }}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('provision.report.fields')}
      </Typography.Title>
      <Table<FieldQuality>
        rowKey="field"
        size="small"
        columns={fieldColumns}
        dataSource={report.fields}
        pagination={false}
        onRow={rowTestId('provision-field-row')}
        scroll={{ x: 700 }}
      />
    </div>
  );
}
