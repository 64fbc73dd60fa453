import { Alert, Card, Col, Descriptions, Empty, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';

export const compareVersions = (entryId: string, from: number, to: number, signal?: AbortSignal) =>
  call('GET /api/provision/entries/:id/compare', { params: { id: entryId }, query: { from, to }, signal });

const ROW_KINDS = [
  { key: 'added', colour: '#389e0d' },
  { key: 'removed', colour: '#cf1322' },
  { key: 'changed', colour: '#d46b08' },
  { key: 'unchanged', colour: '#595959' },
] as const;

function Keys({ keys, testId }: { keys: string[]; testId: string }) {
  const { t } = useI18n();
  if (keys.length === 0)
    return <Typography.Text type="secondary">{t('provision.diff.none')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap data-testid={testId}>
      {keys.map((k) => (
        <Tag key={k} style={{ fontFamily: 'monospace' }}>
          {k}
        </Tag>
      ))}
    </Space>
  );
}

/** 版本比较: data items added and removed, rows added, removed, changed and kept (by the key fields). */
export function VersionDiff({ entryId, from, to }: { entryId: string; from: number; to: number }) {
  const { t } = useI18n();
  const diff = useAsync((signal) => compareVersions(entryId, from, to, signal), [entryId, from, to]);
  if (diff.error) return <LoadError error={diff.error} onRetry={diff.reload} />;
  if (!diff.data) return <Spin />;
  const d = diff.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="version-diff">
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('provision.diff.rowCount', { no: d.from.versionNo })}>
          <span data-testid="version-diff-from-rows">{d.from.rowCount.toLocaleString()}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('provision.diff.rowCount', { no: d.to.versionNo })}>
          <span data-testid="version-diff-to-rows">{d.to.rowCount.toLocaleString()}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('provision.diff.fieldsAdded')}>
          <Keys keys={d.fields.added} testId="version-diff-fields-added" />
        </Descriptions.Item>
        <Descriptions.Item label={t('provision.diff.fieldsRemoved')}>
          <Keys keys={d.fields.removed} testId="version-diff-fields-removed" />
        </Descriptions.Item>
        <Descriptions.Item label={t('provision.diff.keyFields')} span={2}>
          <Keys keys={d.keyFields} testId="version-diff-key-fields" />
        </Descriptions.Item>
      </Descriptions>
      {d.rows === null ? (
        <Alert type="info" showIcon title={t('provision.diff.noKey')} data-testid="version-diff-no-key" />
      ) : (
        <>
          <Row gutter={16}>
            {ROW_KINDS.map(({ key, colour }) => (
              <Col span={6} key={key}>
                <Card size="small" data-testid={`version-diff-${key}`} data-value={d.rows?.[key] ?? 0}>
                  <Statistic
                    title={t(`provision.diff.${key}`)}
                    value={d.rows?.[key] ?? 0}
                    styles={{ content: { color: colour } }}
                  />
                </Card>
              </Col>
            ))}
          </Row>
          <Descriptions size="small" column={1} bordered title={t('provision.diff.examples')}>
            {(['added', 'removed', 'changed'] as const).map((kind) => (
              <Descriptions.Item key={kind} label={t(`provision.diff.${kind}`)}>
                {d.rows && d.rows.examples[kind].length > 0 ? (
                  <Keys keys={d.rows.examples[kind]} testId={`version-diff-examples-${kind}`} />
                ) : (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description={t('provision.diff.none')}
                    style={{ margin: 0 }}
                  />
                )}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </>
      )}
    </Space>
  );
}
