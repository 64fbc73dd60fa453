import { Alert, Button } from 'antd';
import { ApiError } from '../api/client';
import { useI18n } from '../app/i18n';

/** Shown in place of content that failed to load, with a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, pick } = useI18n();
  let text = t('error.unexpected');
  if (error instanceof ApiError) {
    if (error.problem.message) text = pick(error.problem.message);
    else if (error.status === 0) text = t('error.network');
    else text = t('error.http', { status: error.status });
  }
  return (
    <div data-testid="load-error">
      <Alert
        type="error"
        showIcon
        title={t('error.loadFailed')}
        description={text}
        action={
          onRetry ? (
            <Button size="small" onClick={onRetry}>
              {t('common.retry')}
            </Button>
          ) : undefined
        }
        style={{ marginBottom: 16 }}
      />
    </div>
  );
}
