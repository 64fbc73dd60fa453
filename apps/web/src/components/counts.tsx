import { Space, Statistic, Typography } from 'antd';
import type { TableColumnType } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../app/i18n';

/**
 * The pieces of the per-organisation summaries (目录更新维护, 数据质量): counts that stand out in their
 * colour when above zero and are muted at zero, in the table and in the summary above it.
 */

/** A count: bold in `colour` when above zero (plain without a colour), muted at zero. */
export function CountCell({ n, colour }: { n: number; colour?: string | undefined }) {
  return n > 0 ? (
    <span style={colour ? { color: colour, fontWeight: 600 } : undefined}>{n}</span>
  ) : (
    <span className="ht-muted">0</span>
  );
}

type NumberKey<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T] & string;

/** A right-aligned column of counts, sortable unless told otherwise. */
export function countColumn<T>(
  dataIndex: NumberKey<T>,
  title: ReactNode,
  width: number,
  options: { colour?: string; sortable?: boolean } = {},
): TableColumnType<T> {
  const { colour, sortable = true } = options;
  const value = (row: T) => row[dataIndex] as number;
  return {
    title,
    dataIndex,
    width,
    align: 'right',
    ...(sortable ? { sorter: (a: T, b: T) => value(a) - value(b) } : {}),
    render: (n: number) => <CountCell n={n} colour={colour} />,
  };
}

/** A summary figure, in `colour` when above zero; `data-value` carries the number for the tests. */
export function CountStatistic({
  label,
  value,
  colour,
  testId,
}: {
  label: string;
  value: number;
  colour?: string | undefined;
  testId: string;
}) {
  return (
    <Statistic
      title={label}
      value={value}
      styles={colour && value > 0 ? { content: { color: colour } } : undefined}
      data-testid={testId}
      data-value={value}
    />
  );
}

/** An organisation's name (a link: its row filters what is below) with its level; `children` between. */
export function OrgNameCell({
  name,
  level,
  testId,
  children,
}: {
  name: string;
  level: string;
  testId: string;
  children?: ReactNode;
}) {
  const { tDynamic } = useI18n();
  return (
    <Space size={6} wrap>
      <Typography.Link data-testid={testId}>{name}</Typography.Link>
      {children}
      <span className="ht-muted">{tDynamic(`org.level.${level}`, level)}</span>
    </Space>
  );
}
