import { Spin } from 'antd';

export function FullPageSpin() {
  return (
    <div className="ht-full-spin" data-testid="page-loading">
      <Spin size="large" />
    </div>
  );
}
