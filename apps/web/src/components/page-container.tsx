import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { useDocumentTitle } from '../app/i18n';

type Props = {
  title: string;
  description?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  testId?: string;
};

/** The frame of a workspace page: title, one-line description, actions, content. */
export function PageContainer({ title, description, extra, children, testId }: Props) {
  useDocumentTitle(title);
  return (
    <div className="ht-page" data-testid={testId}>
      <div className="ht-page-head">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {description ? (
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
              {description}
            </Typography.Paragraph>
          ) : null}
        </div>
        {extra ? <div className="ht-page-extra">{extra}</div> : null}
      </div>
      {children}
    </div>
  );
}
