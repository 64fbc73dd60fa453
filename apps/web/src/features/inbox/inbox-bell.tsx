import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Popover, Segmented, Spin, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { Inbox, Notification } from '@huitong/contract/platform';
import { call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';

const POLL_MS = 60_000;

export const inboxApi = {
  list: (unread: boolean, signal?: AbortSignal) =>
    call('GET /api/notifications', { query: { limit: 30, ...(unread ? { unread: true } : {}) }, signal }),
  markRead: (id: string) => call('POST /api/notifications/:id/read', { params: { id } }),
};

/** The bell in the workspace top bar: unread count, the latest messages, click to open and mark read. */
export function InboxBell() {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const showError = useShowError();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [failed, setFailed] = useState(false);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState(false);
  const [onlyUnread, setOnlyUnread] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        setInbox(await inboxApi.list(onlyUnread, signal));
        setFailed(false);
      } catch (err) {
        if (!(err instanceof DOMException && err.name === 'AbortError')) setFailed(true);
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [onlyUnread],
  );

  // On every page change, when opened, and every minute.
  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [load, location.pathname]);

  const openItem = async (n: Notification) => {
    try {
      if (!n.read) await inboxApi.markRead(n.id);
    } catch (err) {
      showError(err);
    }
    setOpen(false);
    if (n.link && n.link.startsWith('/')) void navigate(n.link);
    else void load();
  };

  const unread = inbox?.unread ?? 0;
  const content = (
    <div className="ht-inbox" data-testid="inbox-panel">
      <div className="ht-inbox-head">
        <strong>{t('inbox.title')}</strong>
        <span className="ht-muted">{t('inbox.unread', { count: unread })}</span>
        <Segmented<'all' | 'unread'>
          size="small"
          value={onlyUnread ? 'unread' : 'all'}
          onChange={(v) => setOnlyUnread(v === 'unread')}
          options={[
            { value: 'all', label: t('inbox.all') },
            { value: 'unread', label: t('inbox.onlyUnread') },
          ]}
          style={{ marginInlineStart: 'auto' }}
        />
      </div>
      <Spin spinning={loading && !inbox}>
        {failed && !inbox ? (
          <div className="ht-muted" style={{ padding: 16 }}>
            {t('inbox.loadFailed')}
          </div>
        ) : inbox && inbox.items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('inbox.empty')} />
        ) : (
          <ul className="ht-inbox-list">
            {(inbox?.items ?? []).map((n) => (
              <li key={n.id}>
                <button
                  type="button"
                  className={`ht-inbox-item${n.read ? '' : ' is-unread'}`}
                  onClick={() => void openItem(n)}
                  data-testid="inbox-item"
                  data-kind={n.kind}
                  data-read={n.read ? 'true' : 'false'}
                >
                  {n.read ? null : <span className="ht-inbox-dot" aria-hidden />}
                  <span className="ht-inbox-title">{pick(n.title)}</span>
                  <span className="ht-inbox-time">{dayjs(n.createdAt).format('MM-DD HH:mm')}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </Spin>
    </div>
  );

  return (
    <Popover
      content={content}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) void load();
      }}
      arrow={false}
    >
      <Tooltip title={open ? undefined : t('inbox.title')}>
        <Button
          type="text"
          style={{ color: '#fff' }}
          aria-label={`${t('inbox.title')} ${t('inbox.unread', { count: unread })}`}
          data-testid="inbox-bell"
        >
          <Badge count={unread} size="small" data-testid="inbox-count">
            <BellOutlined style={{ color: '#fff', fontSize: 16 }} />
          </Badge>
        </Button>
      </Tooltip>
    </Popover>
  );
}
