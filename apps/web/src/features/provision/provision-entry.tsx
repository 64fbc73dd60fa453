import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Modal, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { useAuth } from '../auth/auth-context';
import { catalogApi } from '../catalog/catalog-api';
import { canSeeOwnData } from './provision-access';
import type { DataVersion, IngestOutcome, ProvisionSettings } from '@huitong/contract/provision';
import { isFileFormat, type ErrorPolicy } from '@huitong/contract/values';
import { provisionApi } from './provision-api';
import { ConnectorsCard } from './connectors-card';
import { DataVersions } from './data-versions';
import { FileVersions } from './file-versions';
import { RetentionCard } from './retention-card';
import { UploadCard, UploadError } from './upload-card';
import { ValidationReport } from './validation-report';

/** The result of the last upload or restore. */
function OutcomeView({ outcome }: { outcome: IngestOutcome }) {
  const { t } = useI18n();
  const ok = outcome.state === 'ready' || outcome.state === 'unchanged';
  const title = outcome.sameAs
    ? t('provision.upload.unchanged', {
        no: outcome.versionNo,
        same: outcome.sameAs.versionNo,
        rows: outcome.rowCount,
      })
    : ok
      ? outcome.excludedRowCount > 0
        ? t('provision.upload.successExcluded', {
            no: outcome.versionNo,
            rows: outcome.rowCount,
            excluded: outcome.excludedRowCount,
          })
        : t('provision.upload.success', { no: outcome.versionNo, rows: outcome.rowCount })
      : t('provision.upload.failed', { no: outcome.versionNo });
  const showReport = outcome.report !== null && (!ok || outcome.report.problemCount > 0);
  return (
    <div data-testid="provision-result" data-state={outcome.state}>
      <Alert
        type={outcome.sameAs ? 'info' : ok ? 'success' : 'error'}
        showIcon
        title={title}
        style={{ marginBottom: 16 }}
      />
      {showReport && outcome.report ? <ValidationReport report={outcome.report} /> : null}
    </div>
  );
}

/** 资源数据 of one entry (`/workspace/provision/entries/:id`): upload, report, versions. */
export function ProvisionEntry() {
  const { id = '' } = useParams();
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const { account } = useAuth();
  const navigate = useNavigate();
  const entry = useAsync((signal) => catalogApi.getEntry(id, signal), [id]);
  const settings = useAsync((signal) => provisionApi.settings(id, signal), [id]);
  const versions = useAsync((signal) => provisionApi.versions(id, signal), [id]);
  // The settings as last saved on this page (error policy, retention), over those loaded.
  const [saved, setSaved] = useState<{ entryId: string; settings: ProvisionSettings } | null>(null);
  const keep = (s: ProvisionSettings) => setSaved({ entryId: id, settings: s });
  const [policySaving, setPolicySaving] = useState(false);
  const [outcome, setOutcome] = useState<IngestOutcome | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [report, setReport] = useState<{ version: DataVersion; outcome: IngestOutcome | null } | null>(null);

  const currentSettings = saved?.entryId === id ? saved.settings : settings.data;
  const currentPolicy = currentSettings?.errorPolicy ?? null;
  const actions = currentSettings?.actions ?? [];
  const provider = actions.includes('provide');
  const exporter = actions.includes('export');
  const reader = actions.includes('read');
  // Authorities' staff come from the quality watch; the department's own staff from its list.
  const ownData = canSeeOwnData(account);
  const name = entry.data?.published?.metadata.name ?? entry.data?.working?.metadata.name ?? '';
  // File resources (电子文件, 图形图像, 流媒体) hold files, not a table.
  const holdsFiles = isFileFormat(entry.data?.published?.metadata.format);

  const changePolicy = async (next: ErrorPolicy) => {
    setPolicySaving(true);
    try {
      keep(await provisionApi.updateSettings(id, { errorPolicy: next }));
      void message.success(t('provision.upload.policySaved'));
    } catch (err) {
      void message.error(
        err instanceof ApiError && err.problem.message ? pick(err.problem.message) : t('error.unexpected'),
      );
    } finally {
      setPolicySaving(false);
    }
  };

  const restore = async (v: DataVersion) => {
    try {
      const result = await provisionApi.restore(id, v.id);
      // A restored files version lists its files in the versions; it has no rows or report.
      if (!holdsFiles) setOutcome(result);
      setUploadError(null);
      void message.success(t('provision.versions.restored', { no: result.versionNo }));
      versions.reload();
    } catch (err) {
      void message.error(
        err instanceof ApiError && err.problem.message ? pick(err.problem.message) : t('error.unexpected'),
      );
    }
  };

  const viewReport = (v: DataVersion) => {
    setReport({ version: v, outcome: null });
    provisionApi.version(id, v.id).then(
      (o) => setReport((r) => (r?.version.id === v.id ? { version: v, outcome: o } : r)),
      (err: unknown) => {
        setReport(null);
        void message.error(
          err instanceof ApiError && err.problem.message ? pick(err.problem.message) : t('error.unexpected'),
        );
      },
    );
  };

  return (
    <PageContainer
      title={name || t('nav.provision.data')}
      description={t(provider ? 'provision.entry.description' : 'provision.entry.descriptionViewer')}
      testId="provision-entry-page"
      titleTestId="provision-entry-name"
      extra={
        ownData ? (
          <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/workspace/provision')}>
            {t('provision.back')}
          </Button>
        ) : (
          <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/workspace/provision/quality')}>
            {t('provision.backToQuality')}
          </Button>
        )
      }
    >
      {entry.error ? <LoadError error={entry.error} onRetry={entry.reload} /> : null}
      {settings.error ? <LoadError error={settings.error} onRetry={settings.reload} /> : null}
      {entry.loading && !entry.data ? <Spin /> : null}
      {entry.data && !entry.data.published ? (
        <Alert
          type="warning"
          showIcon
          title={t('provision.entry.notPublished')}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {entry.data?.published && provider ? (
          <UploadCard
            entryId={id}
            holdsFiles={holdsFiles}
            onFilesVersion={() => versions.reload()}
            policy={currentPolicy}
            policySaving={policySaving}
            onPolicyChange={(p) => void changePolicy(p)}
            onStart={() => {
              setOutcome(null);
              setUploadError(null);
            }}
            onOutcome={(o) => {
              setOutcome(o);
              versions.reload();
            }}
            onError={setUploadError}
          />
        ) : null}
        {uploadError ? <UploadError error={uploadError} /> : null}
        {outcome ? (
          <Card>
            <OutcomeView outcome={outcome} />
          </Card>
        ) : null}
        {entry.data?.published && !holdsFiles ? (
          <ConnectorsCard entryId={id} canEdit={provider} onVersion={versions.reload} />
        ) : null}
        {entry.data?.published && !holdsFiles ? (
          <RetentionCard entryId={id} settings={currentSettings} canEdit={provider} onSaved={keep} />
        ) : null}
        <Card title={t('provision.versions.title')} data-testid="data-versions">
          {versions.error ? <LoadError error={versions.error} onRetry={versions.reload} /> : null}
          {holdsFiles ? (
            <FileVersions
              entryId={id}
              versions={versions.data ?? []}
              loading={versions.loading}
              canRestore={provider}
              canDownload={exporter}
              onRestore={restore}
            />
          ) : (
            <DataVersions
              entryId={id}
              geometry={(entry.data?.published?.metadata.dataItems ?? []).some(
                (i) => i.dataType === 'geometry',
              )}
              versions={versions.data ?? []}
              loading={versions.loading}
              canRestore={provider}
              canExport={exporter}
              canCompare={reader}
              onRestore={restore}
              onViewReport={viewReport}
            />
          )}
        </Card>
      </Space>
      <Modal
        open={report !== null}
        width={1000}
        title={report ? t('provision.report.title', { no: report.version.versionNo }) : null}
        onCancel={() => setReport(null)}
        footer={
          <Button type="primary" onClick={() => setReport(null)} data-testid="provision-report-close">
            {t('provision.report.close')}
          </Button>
        }
        destroyOnHidden
      >
        {report?.outcome ? (
          report.outcome.report ? (
            <ValidationReport report={report.outcome.report} />
          ) : (
            <Typography.Text type="secondary">{t('provision.report.none')}</Typography.Text>
          )
        ) : (
          <Spin />
        )}
      </Modal>
    </PageContainer>
  );
}
