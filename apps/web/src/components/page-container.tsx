import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { useDocumentTitle } from '../app/i18n';

type Props = {
  title: string;
  description?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Test id of the title (e.g. `entry-name`). */
  titleTestId?: string;
};

/** The frame of a workspace page: title, one-line description, actions, content. */
export function PageContainer({ title, description, extra, children, testId, titleTestId }: Props) {
  useDocumentTitle(title);
  return (
    <div className="ht-page" data-testid={testId}>
      <div className="ht-page-head">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid={titleTestId}>
            {title}
          </Typography.Title>
          {description ? <div className="ht-page-description">{description}</div> : null}
        </div>
        {extra ? <div className="ht-page-extra">{extra}</div> : null}
      </div>
      {children}
    </div>
  );
}
