import { SaveOutlined, SendOutlined, StarFilled, WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  Form,
  Input,
  Result,
  Row,
  Select,
  Space,
  Spin,
} from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useI18n } from '../../app/i18n';
import { useNavFrom } from '../../app/workspace-nav';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { catalogApi } from './catalog-api';
import type { Duplicate, Entry, EntryMetadata } from '@huitong/contract/catalog';
import {
  BASE_KINDS,
  BASE_KIND_LABELS,
  CLASSIFICATIONS,
  CLASSIFICATION_LABELS,
  FORMATS,
  OPEN_TYPES,
  PRIORITY_DOMAINS,
  SHARE_METHODS,
  SHARE_TYPES,
  TOPICS,
  UPDATE_CYCLES,
  type BaseKind,
  type Classification,
  type OpenType,
  type ResourceFormat,
  type ShareMethod,
  type ShareType,
  type UpdateCycle,
} from '@huitong/contract/values';
import { DataItemsEditor, type ItemValues } from './data-items-editor';
import { DuplicateHolders, mineMatching, normaliseLabel } from './duplicate-holders';
import { LegalBasisSelect } from './legal-basis-select';
import { SubmitModal } from './submit-modal';
import { FieldComment } from './version-view';

type Values = {
  name: string;
  abstract: string;
  classification: Classification;
  baseKind?: BaseKind | null;
  category: { l1?: string; l2?: string | null; l3?: string | null; l4?: string | null };
  format: ResourceFormat;
  dataItems?: ItemValues[];
  shareType: ShareType;
  shareCondition?: string | null;
  shareMethod: ShareMethod;
  shareBasisIds?: string[];
  openType: OpenType;
  openCondition?: string | null;
  openBasisIds?: string[];
  updateCycle: UpdateCycle;
  relatedCodes?: string[];
  domains?: string[];
  keywords?: string[];
  spatialExtent?: string | null;
  licence?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
};

const needsShareBasis = (s: ShareType | undefined) => s === 'conditional' || s === 'none';
const needsOpenBasis = (o: OpenType | undefined) => o === 'on_application' || o === 'closed';

const blank = (v: string | null | undefined): string | null => {
  const x = v?.trim();
  return x ? x : null;
};

function toMetadata(v: Values): EntryMetadata {
  return {
    name: v.name.trim(),
    abstract: v.abstract.trim(),
    classification: v.classification,
    baseKind: v.classification === 'base' ? (v.baseKind ?? null) : null,
    category: {
      l1: (v.category.l1 ?? '').trim(),
      l2: blank(v.category.l2),
      l3: blank(v.category.l3),
      l4: blank(v.category.l4),
    },
    format: v.format,
    dataItems: (v.dataItems ?? []).map((d) => ({
      name: (d.name ?? '').trim(),
      label: (d.label ?? '').trim(),
      dataType: d.dataType ?? 'string',
      length: d.length ?? null,
      required: d.required ?? false,
      sensitivity: d.sensitivity ?? 1,
      description: blank(d.description),
    })),
    shareType: v.shareType,
    shareCondition: needsShareBasis(v.shareType) ? blank(v.shareCondition) : null,
    shareMethod: v.shareMethod,
    openType: v.openType,
    openCondition: needsOpenBasis(v.openType) ? blank(v.openCondition) : null,
    updateCycle: v.updateCycle,
    relatedCodes: (v.relatedCodes ?? []).map((c) => c.trim()).filter(Boolean),
    domains: (v.domains ?? []).map((c) => c.trim()).filter(Boolean),
    keywords: (v.keywords ?? []).map((c) => c.trim()).filter(Boolean),
    spatialExtent: blank(v.spatialExtent),
    licence: blank(v.licence),
    contactName: blank(v.contactName),
    contactPhone: blank(v.contactPhone),
    contactEmail: blank(v.contactEmail),
    shareBasisIds: needsShareBasis(v.shareType) ? (v.shareBasisIds ?? []) : [],
    openBasisIds: needsOpenBasis(v.openType) ? (v.openBasisIds ?? []) : [],
  };
}

const toValues = (m: EntryMetadata): Values => ({ ...m, category: { ...m.category } });

/** Published resources of other departments that hold the items being typed (Art. 14), debounced. */
function useDuplicateCheck(items: ItemValues[] | undefined): Duplicate[] {
  const labels = useMemo(
    () => [...new Set((items ?? []).map((d) => d?.label?.trim() ?? '').filter(Boolean))],
    [items],
  );
  const key = JSON.stringify(labels);
  const [found, setFound] = useState<Duplicate[]>([]);
  useEffect(() => {
    const list = JSON.parse(key) as string[];
    if (list.length === 0) {
      setFound([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      catalogApi.duplicateCheck(list, controller.signal).then(
        (d) => setFound(d),
        () => undefined,
      );
    }, 600);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  return found;
}

function EditorForm({ entry }: { entry: Entry | null }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const navigate = useNavigate();
  const from = useNavFrom();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [entryId, setEntryId] = useState<string | null>(entry?.id ?? null);
  const [submitName, setSubmitName] = useState<string | null>(null);
  const working = entry?.working ?? null;
  const comments = working?.fieldComments ?? {};
  const locked = !!entry?.published;

  const classification = Form.useWatch('classification', form);
  const shareType = Form.useWatch('shareType', form);
  const openType = Form.useWatch('openType', form);
  const items = Form.useWatch('dataItems', form);
  const duplicates = useDuplicateCheck(items);

  const duplicateRows = useMemo(() => {
    const rows = new Set<number>();
    (items ?? []).forEach((d, i) => {
      const n = normaliseLabel(d?.label ?? '');
      if (n && duplicates.some((x) => normaliseLabel(x.label) === n || x.concept === n)) rows.add(i);
    });
    return rows;
  }, [items, duplicates]);

  const sensitiveOpen = openType === 'open' && (items ?? []).some((d) => (d?.sensitivity ?? 1) >= 3);

  const note = (field: string): ReactNode =>
    comments[field] ? <FieldComment field={field} text={comments[field]} /> : undefined;

  const save = async (): Promise<Entry | null> => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return null;
    }
    setSaving(true);
    try {
      const m = toMetadata(values);
      const saved = entryId ? await catalogApi.saveDraft(entryId, m) : await catalogApi.createEntry(m);
      setEntryId(saved.id);
      return saved;
    } catch (err) {
      showError(err, form);
      return null;
    } finally {
      setSaving(false);
    }
  };

  const onSave = async () => {
    const saved = await save();
    if (!saved) return;
    void message.success(t('catalog.editor.saved'));
    void navigate(`/workspace/catalog/entries/${saved.id}`, { state: from });
  };

  const onSaveAndSubmit = async () => {
    const saved = await save();
    if (saved) setSubmitName(saved.working?.metadata.name ?? '');
  };

  const domainOptions = [
    ...PRIORITY_DOMAINS.map((d) => ({
      value: d,
      label: (
        <span className="ht-domain-option">
          <StarFilled className="ht-facet-star" /> {d}
        </span>
      ),
    })),
  ];

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={
        working
          ? toValues(working.metadata)
          : {
              classification: 'department',
              category: { l1: CLASSIFICATION_LABELS.department.zh },
              format: 'database',
              dataItems: [],
              shareType: 'unconditional',
              shareMethod: 'platform_api',
              shareBasisIds: [],
              openType: 'open',
              openBasisIds: [],
              updateCycle: 'monthly',
              relatedCodes: [],
              domains: [],
              keywords: [],
            }
      }
      onValuesChange={(changed: Partial<Values>) => {
        if (changed.classification) {
          const l1 = form.getFieldValue(['category', 'l1']) as string | undefined;
          const labels = CLASSIFICATIONS.map((c) => CLASSIFICATION_LABELS[c].zh);
          if (!l1 || labels.includes(l1)) {
            form.setFieldValue(['category', 'l1'], CLASSIFICATION_LABELS[changed.classification].zh);
          }
          if (changed.classification === 'base') form.setFieldValue('shareType', 'unconditional');
        }
      }}
      data-testid="entry-editor"
      scrollToFirstError
    >
      {working?.reviewComment ? (
        <Alert
          type="error"
          showIcon
          title={t('catalog.entry.reviewComment')}
          description={working.reviewComment}
          style={{ marginBottom: 16 }}
          data-testid="editor-review-comment"
        />
      ) : null}

      <Card size="small" className="ht-card ht-editor-section" title={t('catalog.editor.section.basic')}>
        <Form.Item
          name="name"
          label={t('catalog.field.name')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 200 }]}
          extra={note('name')}
        >
          <Input placeholder={t('catalog.editor.name.placeholder')} data-testid="editor-name" />
        </Form.Item>
        <Form.Item
          name="abstract"
          label={t('catalog.field.abstract')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 4000 }]}
          extra={note('abstract')}
        >
          <Input.TextArea
            rows={3}
            placeholder={t('catalog.editor.abstract.placeholder')}
            data-testid="editor-abstract"
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="format"
              label={t('catalog.field.format')}
              rules={[{ required: true, message: t('form.required') }]}
              extra={note('format')}
            >
              <Select
                options={FORMATS.map((f) => ({ value: f, label: t(`catalog.format.${f}`) }))}
                data-testid="editor-format"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="updateCycle"
              label={t('catalog.field.updateCycle')}
              rules={[{ required: true, message: t('form.required') }]}
              extra={note('updateCycle')}
            >
              <Select
                options={UPDATE_CYCLES.map((f) => ({ value: f, label: t(`catalog.updateCycle.${f}`) }))}
                data-testid="editor-update-cycle"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="spatialExtent"
              label={t('catalog.field.spatialExtent')}
              rules={[{ max: 100 }]}
              extra={note('spatialExtent')}
            >
              <Input placeholder="沈阳市" data-testid="editor-spatial-extent" />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card
        size="small"
        className="ht-card ht-editor-section"
        title={t('catalog.editor.section.classification')}
      >
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              name="classification"
              label={t('catalog.field.classification')}
              rules={[{ required: true, message: t('form.required') }]}
              extra={locked ? t('catalog.editor.classificationLocked') : note('classification')}
            >
              <Select
                disabled={locked}
                options={CLASSIFICATIONS.map((c) => ({ value: c, label: t(`catalog.classification.${c}`) }))}
                data-testid="editor-classification"
              />
            </Form.Item>
          </Col>
          {classification === 'base' ? (
            <Col xs={24} md={8}>
              <Form.Item
                name="baseKind"
                label={t('catalog.field.baseKind')}
                rules={[{ required: true, message: t('form.required') }]}
                extra={t('catalog.editor.base.hint')}
              >
                <Select
                  disabled={locked}
                  options={BASE_KINDS.map((k) => ({ value: k, label: t(`catalog.baseKind.${k}`) }))}
                  data-testid="editor-base-kind"
                />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item
              name={['category', 'l1']}
              label={t('catalog.category.l1')}
              rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 50 }]}
              extra={note('category')}
            >
              <Input data-testid="editor-category-l1" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['category', 'l2']} label={t('catalog.category.l2')} rules={[{ max: 50 }]}>
              <AutoComplete
                options={
                  classification === 'topic'
                    ? TOPICS.map((x) => ({ value: x }))
                    : classification === 'base'
                      ? BASE_KINDS.map((k) => ({ value: BASE_KIND_LABELS[k].zh }))
                      : []
                }
                placeholder={t('catalog.editor.category.placeholder')}
                data-testid="editor-category-l2"
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['category', 'l3']} label={t('catalog.category.l3')} rules={[{ max: 50 }]}>
              <Input
                placeholder={t('catalog.editor.category.placeholder')}
                data-testid="editor-category-l3"
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['category', 'l4']} label={t('catalog.category.l4')} rules={[{ max: 50 }]}>
              <Input
                placeholder={t('catalog.editor.category.placeholder')}
                data-testid="editor-category-l4"
              />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card size="small" className="ht-card ht-editor-section" title={t('catalog.editor.section.items')}>
        {note('dataItems')}
        {duplicates.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            icon={<WarningOutlined />}
            data-testid="duplicate-warning"
            title={t('catalog.editor.duplicates.title')}
            description={
              <div>
                <div style={{ marginBottom: 4 }}>{t('catalog.editor.duplicates.text')}</div>
                <DuplicateHolders
                  holders={duplicates}
                  mineOf={mineMatching(
                    duplicates,
                    (items ?? []).map((x) => x?.label ?? ''),
                  )}
                />
              </div>
            }
            style={{ marginBottom: 12 }}
          />
        ) : null}
        <DataItemsEditor comments={comments} duplicateRows={duplicateRows} />
      </Card>

      <Card size="small" className="ht-card ht-editor-section" title={t('catalog.editor.section.share')}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="shareType"
              label={t('catalog.field.shareType')}
              rules={[{ required: true, message: t('form.required') }]}
              extra={classification === 'base' ? t('catalog.editor.base.hint') : note('shareType')}
            >
              <Select
                options={SHARE_TYPES.map((s) => ({
                  value: s,
                  label: t(`catalog.shareType.${s}`),
                  disabled: classification === 'base' && s !== 'unconditional',
                }))}
                data-testid="editor-share-type"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="shareMethod"
              label={t('catalog.field.shareMethod')}
              rules={[{ required: true, message: t('form.required') }]}
              extra={note('shareMethod')}
            >
              <Select
                options={SHARE_METHODS.map((s) => ({ value: s, label: t(`catalog.shareMethod.${s}`) }))}
                data-testid="editor-share-method"
              />
            </Form.Item>
          </Col>
        </Row>
        {needsShareBasis(shareType) ? (
          <>
            <Form.Item
              name="shareCondition"
              label={t('catalog.field.shareCondition')}
              rules={[{ max: 1000 }]}
              required={shareType === 'conditional'}
              extra={note('shareCondition')}
            >
              <Input.TextArea
                rows={2}
                placeholder={t('catalog.editor.shareCondition.placeholder')}
                data-testid="editor-share-condition"
              />
            </Form.Item>
            <Form.Item
              name="shareBasisIds"
              label={t('catalog.field.shareBasisIds')}
              required
              extra={
                <>
                  {t('catalog.editor.shareBasis.hint')}
                  {note('shareBasisIds')}
                </>
              }
            >
              <LegalBasisSelect testId="editor-share-basis" />
            </Form.Item>
          </>
        ) : null}
      </Card>

      <Card size="small" className="ht-card ht-editor-section" title={t('catalog.editor.section.open')}>
        <Form.Item
          name="openType"
          label={t('catalog.field.openType')}
          rules={[{ required: true, message: t('form.required') }]}
          extra={note('openType')}
          validateStatus={sensitiveOpen ? 'warning' : undefined}
          help={sensitiveOpen ? t('catalog.editor.sensitiveOpen') : undefined}
        >
          <Select
            options={OPEN_TYPES.map((s) => ({ value: s, label: t(`catalog.openType.${s}`) }))}
            data-testid="editor-open-type"
            style={{ maxWidth: 360 }}
          />
        </Form.Item>
        {needsOpenBasis(openType) ? (
          <>
            <Form.Item
              name="openCondition"
              label={t('catalog.field.openCondition')}
              rules={[{ max: 1000 }]}
              required={openType === 'on_application'}
              extra={note('openCondition')}
            >
              <Input.TextArea
                rows={2}
                placeholder={t('catalog.editor.openCondition.placeholder')}
                data-testid="editor-open-condition"
              />
            </Form.Item>
            <Form.Item
              name="openBasisIds"
              label={t('catalog.field.openBasisIds')}
              required
              extra={
                <>
                  {t('catalog.editor.openBasis.hint')}
                  {note('openBasisIds')}
                </>
              }
            >
              <LegalBasisSelect testId="editor-open-basis" />
            </Form.Item>
          </>
        ) : null}
        <Form.Item
          name="licence"
          label={t('catalog.field.licence')}
          rules={[{ max: 200 }]}
          extra={note('licence')}
        >
          <Input placeholder="沈阳市政务数据开放许可协议" data-testid="editor-licence" />
        </Form.Item>
      </Card>

      <Card size="small" className="ht-card ht-editor-section" title={t('catalog.editor.section.other')}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="domains"
              label={t('catalog.field.domains')}
              extra={note('domains')}
              rules={[{ type: 'array', max: 20 }]}
            >
              <Select
                mode="tags"
                options={domainOptions}
                placeholder={t('catalog.editor.domains.placeholder')}
                tokenSeparators={[',', '，', '、']}
                data-testid="editor-domains"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="keywords"
              label={t('catalog.field.keywords')}
              extra={note('keywords')}
              rules={[{ type: 'array', max: 30 }]}
            >
              <Select
                mode="tags"
                open={false}
                placeholder={t('catalog.editor.tags.placeholder')}
                tokenSeparators={[',', '，', '、', ' ']}
                suffixIcon={null}
                data-testid="editor-keywords"
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="relatedCodes" label={t('catalog.field.relatedCodes')} extra={note('relatedCodes')}>
          <Select
            mode="tags"
            open={false}
            placeholder={t('catalog.editor.relatedCodes.placeholder')}
            tokenSeparators={[',', '，', ' ']}
            suffixIcon={null}
            data-testid="editor-related-codes"
          />
        </Form.Item>
        {note('contact')}
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="contactName" label={t('catalog.field.contactName')} rules={[{ max: 50 }]}>
              <Input data-testid="editor-contact-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="contactPhone" label={t('catalog.field.contactPhone')} rules={[{ max: 30 }]}>
              <Input data-testid="editor-contact-phone" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="contactEmail"
              label={t('catalog.field.contactEmail')}
              rules={[{ type: 'email', message: t('register.email.invalid') }, { max: 100 }]}
            >
              <Input data-testid="editor-contact-email" />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <div className="ht-editor-actions">
        <Space>
          <Button
            onClick={() =>
              void navigate(entryId ? `/workspace/catalog/entries/${entryId}` : '/workspace/catalog/mine', {
                state: from,
              })
            }
          >
            {t('common.cancel')}
          </Button>
          <Button
            icon={<SaveOutlined />}
            loading={saving}
            onClick={() => void onSave()}
            data-testid="editor-save"
          >
            {t('catalog.editor.save')}
          </Button>
          <Button
            type="primary"
            icon={<SendOutlined />}
            loading={saving}
            onClick={() => void onSaveAndSubmit()}
            data-testid="editor-submit"
          >
            {t('catalog.editor.saveAndSubmit')}
          </Button>
        </Space>
      </div>
      {entryId ? (
        <SubmitModal
          open={submitName !== null}
          entryId={entryId}
          labels={(items ?? []).map((d) => d?.label?.trim() ?? '').filter(Boolean)}
          name={submitName ?? ''}
          onClose={() => setSubmitName(null)}
          onSubmitted={(next) => {
            setSubmitName(null);
            void message.success(t('catalog.submit.done'));
            void navigate(`/workspace/catalog/entries/${next.id}`, { state: from });
          }}
          onProblems={(_fields, err) => showError(err, form)}
        />
      ) : null}
    </Form>
  );
}

/** `/workspace/catalog/new` and `/workspace/catalog/entries/:id/edit`. */
export function EntryEditor() {
  const { id } = useParams();
  const { t } = useI18n();
  const from = useNavFrom();
  const loaded = useAsync((signal) => (id ? catalogApi.getEntry(id, signal) : Promise.resolve(null)), [id]);
  const entry = loaded.data ?? null;
  const working = entry?.working ?? null;
  const title = id
    ? t('catalog.editor.editTitle', { no: working?.versionNo ?? '' })
    : t('catalog.editor.newTitle');

  let body: ReactNode;
  if (loaded.error) body = <LoadError error={loaded.error} onRetry={loaded.reload} />;
  else if (loaded.loading || loaded.data === undefined)
    body = <Spin style={{ display: 'block', margin: 48 }} />;
  else if (
    entry &&
    (!entry.actions.includes('edit') || !working || !['draft', 'returned'].includes(working.state))
  ) {
    body = (
      <Result
        status="warning"
        title={t('catalog.editor.notEditable')}
        extra={
          <Link to={`/workspace/catalog/entries/${entry.id}`} state={from}>
            <Button type="primary">{t('common.back')}</Button>
          </Link>
        }
        data-testid="editor-not-editable"
      />
    );
  } else body = <EditorForm key={entry?.id ?? 'new'} entry={entry} />;

  return (
    <PageContainer
      title={entry && working ? `${title} · ${working.metadata.name}` : title}
      description={t('catalog.editor.description')}
      testId="entry-editor-page"
    >
      {body}
    </PageContainer>
  );
}
