import { BranchesOutlined, EditOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { FieldProblem } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useNavFrom } from '../../app/workspace-nav';
import { FullPageSpin } from '../../components/full-page-spin';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { catalogApi } from './catalog-api';
import { OpenTypeTag, ShareTypeTag, StateTag, formatTime, useFieldLabel } from './catalog-labels';
import type { Entry } from '@huitong/contract/catalog';
import { ReviewPanel } from './review-panel';
import { SubmitModal } from './submit-modal';
import { VersionHistory } from './version-history';
import { VersionView } from './version-view';

/** The entry page: published and in-progress versions, history with diffs, and the actions of each role. */
export function EntryDetail() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const fieldLabel = useFieldLabel();
  const navigate = useNavigate();
  const from = useNavFrom();
  const loaded = useAsync((signal) => catalogApi.getEntry(id, signal), [id]);
  const [entry, setEntry] = useState<Entry | undefined>(undefined);
  const [tab, setTab] = useState<string | undefined>(undefined);
  const [submitOpen, setSubmitOpen] = useState(false);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [fieldComments, setFieldComments] = useState<Record<string, string>>({});

  useEffect(() => {
    setEntry(loaded.data);
  }, [loaded.data]);
  useEffect(() => {
    setTab(undefined);
    setProblems([]);
    setFieldComments({});
  }, [id]);

  if (loaded.error && !entry) {
    return (
      <PageContainer title={t('nav.catalog.search')} testId="entry-page">
        <LoadError error={loaded.error} onRetry={loaded.reload} />
      </PageContainer>
    );
  }
  if (!entry) return <FullPageSpin />;

  const { published, working } = entry;
  const current = working ?? published;
  const name = current?.metadata.name ?? '';
  const isCataloguer = entry.actions.includes('edit');
  const canEdit = isCataloguer && !!working && (working.state === 'draft' || working.state === 'returned');
  const canRevise = isCataloguer && !!published && !working;
  const canReview = entry.actions.includes('review') && working?.state === 'submitted';

  const defaultTab =
    working && (canReview || isCataloguer || !published) ? 'working' : published ? 'published' : 'working';
  const activeTab = tab ?? defaultTab;

  const apply = (next: Entry) => {
    setEntry(next);
    setProblems([]);
    loaded.reload();
  };

  const revise = () =>
    void modal.confirm({
      title: t('catalog.entry.revise'),
      content: t('catalog.entry.revise.confirm'),
      okText: t('catalog.entry.revise'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await catalogApi.revise(entry.id);
          void message.success(t('catalog.entry.revised'));
          void navigate(`/workspace/catalog/entries/${entry.id}/edit`, { state: from });
        } catch (err) {
          showError(err);
        }
      },
    });

  const actions = (
    <Space wrap>
      {canEdit ? (
        <Button
          icon={<EditOutlined />}
          onClick={() => void navigate(`/workspace/catalog/entries/${entry.id}/edit`, { state: from })}
          data-testid="entry-edit"
        >
          {t('catalog.entry.edit')}
        </Button>
      ) : null}
      {canEdit ? (
        <Button
          type="primary"
          icon={<SendOutlined />}
          onClick={() => setSubmitOpen(true)}
          data-testid="entry-submit"
        >
          {t('catalog.entry.submit')}
        </Button>
      ) : null}
      {canRevise ? (
        <Button icon={<BranchesOutlined />} onClick={revise} data-testid="entry-revise">
          {t('catalog.entry.revise')}
        </Button>
      ) : null}
    </Space>
  );

  const description = (
    <span className="ht-entry-sub">
      <span>
        {t('catalog.field.code')}：
        <Typography.Text code data-testid="entry-code">
          {entry.code ?? t('catalog.entry.noCode')}
        </Typography.Text>
      </span>
      <span data-testid="entry-org">
        {t('catalog.field.org')}：{entry.orgName}
      </span>
      {current ? <ShareTypeTag value={current.metadata.shareType} /> : null}
      {current ? <OpenTypeTag value={current.metadata.openType} /> : null}
      {entry.firstPublishedAt ? (
        <span className="ht-muted">
          {t('catalog.entry.firstPublishedAt')}：{formatTime(entry.firstPublishedAt)}
        </span>
      ) : null}
      {entry.confirmedAt ? (
        <span className="ht-muted">
          {t('catalog.entry.confirmedAt')}：{formatTime(entry.confirmedAt)}
        </span>
      ) : null}
    </span>
  );

  const tabs = [
    ...(published
      ? [
          {
            key: 'published',
            label: (
              <span data-testid="tab-published">
                {t('catalog.entry.tab.published')}（{t('catalog.entry.version', { no: published.versionNo })}
                ）
              </span>
            ),
            children: <VersionView entry={entry} version={published} />,
          },
        ]
      : []),
    ...(working
      ? [
          {
            key: 'working',
            label: (
              <span data-testid="tab-working">
                {t('catalog.entry.tab.working')}（{t('catalog.entry.version', { no: working.versionNo })}）{' '}
                <StateTag value={working.state} />
              </span>
            ),
            children: (
              <VersionView
                entry={entry}
                version={working}
                comments={canReview ? fieldComments : working.fieldComments}
                onComment={
                  canReview
                    ? (field) => setFieldComments((prev) => (field in prev ? prev : { ...prev, [field]: '' }))
                    : undefined
                }
              />
            ),
          },
        ]
      : []),
    {
      key: 'history',
      label: <span data-testid="tab-history">{t('catalog.entry.tab.history')}</span>,
      children: <VersionHistory entryId={entry.id} />,
    },
  ];

  return (
    <PageContainer
      title={name}
      titleTestId="entry-name"
      description={description}
      extra={actions}
      testId="entry-page"
    >
      {working ? (
        <Alert
          className="ht-working-alert"
          type={working.state === 'returned' ? 'error' : working.state === 'submitted' ? 'info' : 'warning'}
          showIcon
          data-testid="working-state"
          title={
            <span>
              {t('catalog.entry.workingState', { no: working.versionNo })}{' '}
              <StateTag value={working.state} testId="working-state-tag" />
              {working.state === 'returned'
                ? t('catalog.entry.hint.returned')
                : working.state === 'submitted'
                  ? t('catalog.entry.hint.submitted')
                  : t('catalog.entry.hint.draft')}
              {published ? ` ${t('catalog.entry.hint.publishedInForce', { no: published.versionNo })}` : ''}
            </span>
          }
          description={
            working.reviewComment ||
            (working.fieldComments && Object.keys(working.fieldComments).length > 0) ? (
              <div data-testid="working-review-comment">
                {working.reviewComment ? (
                  <div>
                    <strong>{t('catalog.entry.reviewComment')}：</strong>
                    {working.reviewComment}
                  </div>
                ) : null}
                {working.fieldComments && Object.keys(working.fieldComments).length > 0 ? (
                  <ul className="ht-comment-list">
                    {Object.entries(working.fieldComments).map(([field, text]) => (
                      <li key={field}>
                        <strong>{fieldLabel(field, working.metadata.dataItems)}</strong>：{text}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {problems.length > 0 ? (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setProblems([]) }}
          data-testid="submit-problems"
          title={t('catalog.entry.problems')}
          description={
            <ul className="ht-comment-list">
              {problems.map((p) => (
                <li key={p.field} data-testid="submit-problem" data-field={p.field}>
                  {t('catalog.entry.problem', {
                    field: fieldLabel(p.field, working?.metadata.dataItems),
                    message: pick(p.message),
                  })}
                </li>
              ))}
            </ul>
          }
          action={
            canEdit ? (
              <Button
                size="small"
                onClick={() => void navigate(`/workspace/catalog/entries/${entry.id}/edit`, { state: from })}
              >
                {t('catalog.entry.edit')}
              </Button>
            ) : undefined
          }
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {canReview && working ? (
        <ReviewPanel
          entry={entry}
          version={working}
          fieldComments={fieldComments}
          onFieldCommentsChange={setFieldComments}
          onReviewed={(next) => {
            setFieldComments({});
            setTab(undefined);
            apply(next);
          }}
        />
      ) : null}
      <Tabs
        className="ht-entry-tabs"
        activeKey={activeTab}
        onChange={setTab}
        items={tabs}
        destroyOnHidden
        data-testid="entry-tabs"
      />
      {working ? (
        <SubmitModal
          open={submitOpen}
          entryId={entry.id}
          name={working.metadata.name}
          labels={working.metadata.dataItems.map((d) => d.label)}
          onClose={() => setSubmitOpen(false)}
          onSubmitted={(next) => {
            setSubmitOpen(false);
            void message.success(t('catalog.submit.done'));
            apply(next);
          }}
          onProblems={(fields, err) => {
            setProblems(fields);
            showError(err);
          }}
        />
      ) : null}
    </PageContainer>
  );
}
