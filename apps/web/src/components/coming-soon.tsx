import { ClockCircleOutlined } from '@ant-design/icons';
import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../app/i18n';

/** The placeholder for a part of the platform that comes in a later release. */
export function ComingSoon({ title, extra }: { title?: string; extra?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div data-testid="coming-soon">
      <Result
        icon={<ClockCircleOutlined style={{ color: '#1f5fbf' }} />}
        title={title ?? t('comingSoon.title')}
        subTitle={t('comingSoon.description')}
        extra={extra}
      />
    </div>
  );
}
