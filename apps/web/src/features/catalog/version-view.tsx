import { CommentOutlined, MessageOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { rowTestId } from '../../components/row-test-id';
import {
  DomainTags,
  OpenTypeTag,
  ShareTypeTag,
  StateTag,
  categoryText,
  formatDate,
  formatTime,
} from './catalog-labels';
import type { DataItem, Entry, LegalBasis, Version } from '@huitong/contract/catalog';

/** Not metadata a cataloguer writes: nothing to comment on. */
const NOT_COMMENTABLE = new Set(['code', 'org', 'publishedAt']);

const SENSITIVITY_COLOURS = ['default', 'default', 'blue', 'orange', 'red'] as const;

type Props = {
  entry: Entry;
  version: Version;
  /** Field comments to show next to their fields (key: metadata field or `dataItems.<name>`). */
  comments?: Record<string, string> | null;
  /** When given (reviewing), each field gets a button to comment on it. */
  onComment?: (field: string) => void;
};

/** A reviewer's note shown right under the field it is about. */
export function FieldComment({ field, text }: { field: string; text: string | undefined }) {
  const { t } = useI18n();
  if (!text) return null;
  return (
    <div className="ht-field-comment" data-testid={`field-comment-${field}`}>
      <MessageOutlined /> <strong>{t('catalog.entry.fieldComment')}：</strong>
      {text}
    </div>
  );
}

export function SensitivityTag({ level }: { level: DataItem['sensitivity'] }) {
  const { t } = useI18n();
  return <Tag color={SENSITIVITY_COLOURS[level]}>{t(`catalog.sensitivity.${level}`)}</Tag>;
}

export function BasisList({
  bases,
  testId,
  collapsible,
}: {
  bases: LegalBasis[];
  testId?: string;
  /** Show only the first lines of each quote, expandable. */
  collapsible?: boolean;
}) {
  const { t } = useI18n();
  if (bases.length === 0) return <span className="ht-muted">{t('catalog.entry.noBases')}</span>;
  return (
    <div className="ht-bases" data-testid={testId}>
      {bases.map((b) => (
        <div key={b.id} className="ht-basis" data-testid="legal-basis">
          <div className="ht-basis-head">
            <strong>{b.title}</strong> <span className="ht-basis-article">{b.article}</span>
            <Tag style={{ marginInlineStart: 8 }}>{t(`catalog.basisKind.${b.kind}`)}</Tag>
            {b.quoteIsSummary ? <Tag color="gold">{t('catalog.entry.quoteIsSummary')}</Tag> : null}
          </div>
          {collapsible ? (
            <Typography.Paragraph
              className="ht-basis-quote"
              ellipsis={{ rows: 2, expandable: 'collapsible' }}
              data-testid="basis-quote"
            >
              {b.quote}
            </Typography.Paragraph>
          ) : (
            <blockquote className="ht-basis-quote" data-testid="basis-quote">
              {b.quote}
            </blockquote>
          )}
        </div>
      ))}
    </div>
  );
}

const text = (v: string | null | undefined): ReactNode =>
  v && v.trim() ? <span className="ht-pre">{v}</span> : <span className="ht-muted">—</span>;

/** All the metadata of one version, with Chinese labels, reviewer notes and (for reviewers) comment buttons. */
export function VersionView({ entry, version, comments, onComment }: Props) {
  const { t } = useI18n();
  const m = version.metadata;
  const c = comments ?? {};

  const label = (field: string, name: string): ReactNode =>
    onComment && !NOT_COMMENTABLE.has(field) ? (
      <span className="ht-field-label">
        {name}
        <Tooltip title={t('catalog.review.commentThisField')}>
          <Button
            type="text"
            size="small"
            className="ht-comment-btn"
            icon={<CommentOutlined />}
            aria-label={t('catalog.review.commentThisField')}
            onClick={() => onComment(field)}
            data-testid={`comment-field-${field}`}
          />
        </Tooltip>
      </span>
    ) : (
      name
    );

  const item = (
    field: string,
    name: string,
    value: ReactNode,
    span?: 'filled',
  ): NonNullable<DescriptionsProps['items']>[number] => ({
    key: field,
    label: label(field, name),
    span,
    children: (
      <div data-testid={`field-${field}`}>
        {value}
        <FieldComment field={field} text={c[field]} />
      </div>
    ),
  });

  const byAt = (name: string | null, at: string | null): string =>
    !at ? '—' : name ? t('catalog.entry.byAt', { name, time: formatTime(at) }) : formatTime(at);

  const contact = [m.contactName, m.contactPhone, m.contactEmail].filter((x) => x && x.trim()).join(' · ');

  const basic: DescriptionsProps['items'] = [
    item('name', t('catalog.field.name'), m.name, 'filled'),
    item(
      'code',
      t('catalog.field.code'),
      entry.code ? (
        <Typography.Text code>{entry.code}</Typography.Text>
      ) : (
        <span className="ht-muted">{t('catalog.entry.noCode')}</span>
      ),
    ),
    item('org', t('catalog.field.org'), entry.orgName),
    item('abstract', t('catalog.field.abstract'), text(m.abstract), 'filled'),
    item(
      'classification',
      t('catalog.field.classification'),
      <Space size={4} wrap>
        <Tag color="geekblue">{t(`catalog.classification.${m.classification}`)}</Tag>
        {m.classification === 'base' && m.baseKind ? (
          <span>{t(`catalog.baseKind.${m.baseKind}`)}</span>
        ) : null}
      </Space>,
    ),
    item('category', `${t('catalog.field.category')}（类-项-目-细目）`, categoryText(m.category) || '—'),
    item('format', t('catalog.field.format'), t(`catalog.format.${m.format}`)),
    item('updateCycle', t('catalog.field.updateCycle'), t(`catalog.updateCycle.${m.updateCycle}`)),
    item('publishedAt', t('catalog.field.publishedAt'), formatDate(version.publishedAt)),
    item(
      'relatedCodes',
      t('catalog.field.relatedCodes'),
      m.relatedCodes.length > 0 ? (
        <Space size={[4, 4]} wrap>
          {m.relatedCodes.map((code) => (
            <Typography.Text code key={code}>
              {code}
            </Typography.Text>
          ))}
        </Space>
      ) : (
        '—'
      ),
    ),
    item('domains', t('catalog.field.domains'), <DomainTags domains={m.domains} />),
    item(
      'keywords',
      t('catalog.field.keywords'),
      m.keywords.length > 0 ? (
        <Space size={[0, 4]} wrap>
          {m.keywords.map((k) => (
            <Tag key={k}>{k}</Tag>
          ))}
        </Space>
      ) : (
        '—'
      ),
    ),
    item('spatialExtent', t('catalog.field.spatialExtent'), text(m.spatialExtent)),
    item('licence', t('catalog.field.licence'), text(m.licence)),
    item('contact', t('catalog.field.contact'), contact || '—', 'filled'),
  ];

  const share: DescriptionsProps['items'] = [
    item('shareType', t('catalog.field.shareType'), <ShareTypeTag value={m.shareType} />),
    item('shareMethod', t('catalog.field.shareMethod'), t(`catalog.shareMethod.${m.shareMethod}`)),
    item('shareCondition', t('catalog.field.shareCondition'), text(m.shareCondition), 'filled'),
    item(
      'shareBasisIds',
      t('catalog.field.shareBasisIds'),
      <BasisList bases={version.shareBases} testId="share-bases" />,
      'filled',
    ),
  ];

  const open: DescriptionsProps['items'] = [
    item('openType', t('catalog.field.openType'), <OpenTypeTag value={m.openType} />),
    item('openCondition', t('catalog.field.openCondition'), text(m.openCondition)),
    item(
      'openBasisIds',
      t('catalog.field.openBasisIds'),
      <BasisList bases={version.openBases} testId="open-bases" />,
      'filled',
    ),
  ];

  const itemColumns: TableColumnsType<DataItem> = [
    { title: '#', key: 'no', width: 48, render: (_, __, i) => i + 1 },
    {
      title: t('catalog.item.label'),
      dataIndex: 'label',
      width: 200,
      render: (v: string, d) => (
        <div>
          <strong>{v}</strong>
          <FieldComment field={`dataItems.${d.name}`} text={c[`dataItems.${d.name}`]} />
        </div>
      ),
    },
    {
      title: t('catalog.item.name'),
      dataIndex: 'name',
      width: 170,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('catalog.item.dataType'),
      dataIndex: 'dataType',
      width: 130,
      render: (v: DataItem['dataType']) => t(`catalog.dataType.${v}`),
    },
    {
      title: t('catalog.item.length'),
      dataIndex: 'length',
      width: 70,
      render: (v: number | null) => v ?? '—',
    },
    {
      title: t('catalog.item.required'),
      dataIndex: 'required',
      width: 70,
      render: (v: boolean) => (v ? t('common.yes') : t('common.no')),
    },
    {
      title: t('catalog.item.sensitivity'),
      dataIndex: 'sensitivity',
      width: 150,
      render: (v: DataItem['sensitivity']) => <SensitivityTag level={v} />,
    },
    {
      title: t('catalog.item.description'),
      dataIndex: 'description',
      render: (v: string | null) => v ?? <span className="ht-muted">—</span>,
    },
  ];
  if (onComment) {
    itemColumns.push({
      title: '',
      key: 'comment',
      width: 48,
      render: (_, d) => (
        <Tooltip title={t('catalog.review.commentThisField')}>
          <Button
            type="text"
            size="small"
            icon={<CommentOutlined />}
            aria-label={t('catalog.review.commentThisField')}
            onClick={() => onComment(`dataItems.${d.name}`)}
            data-testid={`comment-field-dataItems.${d.name}`}
          />
        </Tooltip>
      ),
    });
  }

  const showReview =
    version.state !== 'published' &&
    version.state !== 'superseded' &&
    (version.submittedAt || version.reviewedAt || version.duplicateJustification);

  return (
    <div className="ht-version" data-testid={`version-${version.versionNo}`}>
      {showReview ? (
        <Card size="small" className="ht-card ht-version-section" title={t('catalog.entry.section.review')}>
          <Descriptions
            size="small"
            column={{ xs: 1, lg: 2 }}
            items={[
              {
                key: 'state',
                label: t('catalog.history.state'),
                children: <StateTag value={version.state} />,
              },
              {
                key: 'submitted',
                label: t('catalog.entry.submittedAt'),
                children: byAt(version.submittedBy, version.submittedAt),
              },
              ...(version.reviewedAt
                ? [
                    {
                      key: 'reviewed',
                      label: t('catalog.entry.reviewedAt'),
                      children: byAt(version.reviewedBy, version.reviewedAt),
                    },
                    {
                      key: 'comment',
                      label: t('catalog.entry.reviewComment'),
                      children: (
                        <span data-testid="version-review-comment">{text(version.reviewComment)}</span>
                      ),
                    },
                  ]
                : []),
              ...(version.duplicateJustification
                ? [
                    {
                      key: 'dup',
                      label: t('catalog.field.duplicateJustification'),
                      span: 'filled' as const,
                      children: (
                        <span data-testid="version-duplicate-justification">
                          {version.duplicateJustification}
                        </span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>
      ) : null}
      <Card size="small" className="ht-card ht-version-section" title={t('catalog.entry.section.basic')}>
        <Descriptions bordered size="small" column={{ xs: 1, lg: 2 }} items={basic} />
      </Card>
      <Card
        size="small"
        className="ht-card ht-version-section"
        title={
          <span className="ht-field-label">
            {label('dataItems', t('catalog.entry.section.items'))}
            <span className="ht-muted" style={{ fontWeight: 400, marginInlineStart: 8 }}>
              {t('catalog.entry.itemCount', { count: m.dataItems.length })}
            </span>
          </span>
        }
      >
        <FieldComment field="dataItems" text={c['dataItems']} />
        <Table<DataItem>
          rowKey="name"
          size="small"
          columns={itemColumns}
          dataSource={m.dataItems}
          pagination={false}
          locale={{ emptyText: t('catalog.entry.noItems') }}
          scroll={{ x: 960 }}
          onRow={rowTestId('entry-data-item')}
        />
      </Card>
      <Card size="small" className="ht-card ht-version-section" title={t('catalog.entry.section.share')}>
        <Descriptions bordered size="small" column={{ xs: 1, lg: 2 }} items={share} />
      </Card>
      <Card size="small" className="ht-card ht-version-section" title={t('catalog.entry.section.open')}>
        <Descriptions bordered size="small" column={{ xs: 1, lg: 2 }} items={open} />
      </Card>
    </div>
  );
}
