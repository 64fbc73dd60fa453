import { EditOutlined, PlusOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Form, Input, Popconfirm, Select, Space, Switch, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { useAsync } from '../../components/hooks/use-async';
import { useShowError } from '../../components/hooks/use-show-error';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { SearchInput } from '../../components/search-input';
import { useAuth } from '../auth/auth-context';
import { canKeepLegalBases } from './catalog-access';
import { catalogApi } from './catalog-api';
import type { LegalBasis, CreateLegalBasisBody as LegalBasisInput } from '@huitong/contract/catalog';
import { LEGAL_BASIS_KINDS, type LegalBasisKind } from '@huitong/contract/values';

type Values = {
  title: string;
  kind: LegalBasisKind;
  article: string;
  quote: string;
  quoteIsSummary: boolean;
};

function BasisModal({
  open,
  basis,
  onClose,
  onSaved,
}: {
  open: boolean;
  basis: LegalBasis | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (basis) form.setFieldsValue(basis);
  }, [open, basis, form]);

  const onSubmit = async (v: Values) => {
    const input: LegalBasisInput = {
      title: v.title.trim(),
      kind: v.kind,
      article: v.article.trim(),
      quote: v.quote.trim(),
      quoteIsSummary: v.quoteIsSummary,
    };
    if (basis) {
      const patch: Partial<LegalBasisInput> = {};
      if (input.title !== basis.title) patch.title = input.title;
      if (input.kind !== basis.kind) patch.kind = input.kind;
      if (input.article !== basis.article) patch.article = input.article;
      if (input.quote !== basis.quote) patch.quote = input.quote;
      if (input.quoteIsSummary !== basis.quoteIsSummary) patch.quoteIsSummary = input.quoteIsSummary;
      if (Object.keys(patch).length > 0) await catalogApi.updateLegalBasis(basis.id, patch);
    } else {
      await catalogApi.createLegalBasis(input);
    }
    onSaved();
  };

  return (
    <FormModal<Values>
      open={open}
      title={basis ? t('catalog.basis.edit') : t('catalog.basis.create')}
      form={form}
      onSubmit={onSubmit}
      onCancel={onClose}
      okText={t('common.save')}
      width={640}
      initialValues={{ kind: 'law', quoteIsSummary: false }}
      formTestId="legal-basis-form"
    >
      <Form.Item
        name="title"
        label={t('catalog.basis.title')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 200 }]}
      >
        <Input placeholder={t('catalog.basis.title.placeholder')} data-testid="legal-basis-title" />
      </Form.Item>
      <Space.Compact block>
        <Form.Item
          name="kind"
          label={t('catalog.basis.kind')}
          rules={[{ required: true, message: t('form.required') }]}
          style={{ width: '45%' }}
        >
          <Select
            options={LEGAL_BASIS_KINDS.map((k) => ({ value: k, label: t(`catalog.basisKind.${k}`) }))}
            data-testid="legal-basis-kind"
          />
        </Form.Item>
        <Form.Item
          name="article"
          label={t('catalog.basis.article')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 100 }]}
          style={{ width: '55%', paddingInlineStart: 12 }}
        >
          <Input placeholder={t('catalog.basis.article.placeholder')} data-testid="legal-basis-article" />
        </Form.Item>
      </Space.Compact>
      <Form.Item
        name="quote"
        label={t('catalog.basis.quote')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 4000 }]}
      >
        <Input.TextArea rows={5} data-testid="legal-basis-quote" />
      </Form.Item>
      <Form.Item name="quoteIsSummary" valuePropName="checked">
        <Checkbox data-testid="legal-basis-summary">{t('catalog.basis.quoteIsSummary')}</Checkbox>
      </Form.Item>
    </FormModal>
  );
}

/** 法律依据库: read by all staff, kept by the city authority's administrators and reviewers. */
export function LegalBasesPanel() {
  const { t } = useI18n();
  const { account } = useAuth();
  const { message } = App.useApp();
  const showError = useShowError();
  const keeper = canKeepLegalBases(account);
  const [showInactive, setShowInactive] = useState(false);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<LegalBasis | null>(null);
  const [modalOpen, setModalOpen] = useState(false);
  const list = useAsync((signal) => catalogApi.listLegalBases(showInactive, signal), [showInactive]);

  const needle = q.toLowerCase();
  const rows = (list.data ?? []).filter(
    (b) => !needle || `${b.title} ${b.article} ${b.quote}`.toLowerCase().includes(needle),
  );

  const setActive = async (b: LegalBasis, active: boolean) => {
    try {
      await catalogApi.updateLegalBasis(b.id, { active });
      void message.success(active ? t('catalog.basis.restored') : t('catalog.basis.withdrawn'));
      list.reload();
    } catch (err) {
      showError(err);
    }
  };

  const columns: TableColumnsType<LegalBasis> = [
    {
      title: t('catalog.basis.title'),
      dataIndex: 'title',
      width: 260,
      render: (v: string) => <strong>{v}</strong>,
    },
    { title: t('catalog.basis.article'), dataIndex: 'article', width: 120 },
    {
      title: t('catalog.basis.kind'),
      dataIndex: 'kind',
      width: 120,
      render: (k: LegalBasisKind) => <Tag>{t(`catalog.basisKind.${k}`)}</Tag>,
    },
    {
      title: t('catalog.basis.quote'),
      dataIndex: 'quote',
      render: (v: string, b) => (
        <div>
          {b.quoteIsSummary ? <Tag color="gold">{t('catalog.entry.quoteIsSummary')}</Tag> : null}
          <Typography.Paragraph
            ellipsis={{ rows: 2, expandable: 'collapsible' }}
            style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}
          >
            {v}
          </Typography.Paragraph>
        </div>
      ),
    },
    {
      title: t('catalog.basis.status'),
      dataIndex: 'active',
      width: 80,
      render: (v: boolean) =>
        v ? <Tag color="green">{t('status.active')}</Tag> : <Tag>{t('status.inactive')}</Tag>,
    },
  ];
  if (keeper) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_, b) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            icon={<EditOutlined />}
            onClick={() => {
              setEditing(b);
              setModalOpen(true);
            }}
            data-testid="legal-basis-edit"
          >
            {t('common.edit')}
          </Button>
          {b.active ? (
            <Popconfirm
              title={t('catalog.basis.withdraw.confirm')}
              okText={t('catalog.basis.withdraw')}
              cancelText={t('common.cancel')}
              onConfirm={() => setActive(b, false)}
            >
              <Button
                type="link"
                size="small"
                danger
                icon={<StopOutlined />}
                data-testid="legal-basis-withdraw"
              >
                {t('catalog.basis.withdraw')}
              </Button>
            </Popconfirm>
          ) : (
            <Button
              type="link"
              size="small"
              icon={<UndoOutlined />}
              onClick={() => void setActive(b, true)}
              data-testid="legal-basis-restore"
            >
              {t('catalog.basis.restore')}
            </Button>
          )}
        </Space>
      ),
    });
  }

  return (
    <PageContainer
      title={t('nav.catalog.legalBases')}
      description={t('catalog.basis.description')}
      testId="legal-bases-page"
      extra={
        keeper ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setEditing(null);
              setModalOpen(true);
            }}
            data-testid="legal-basis-create"
          >
            {t('catalog.basis.create')}
          </Button>
        ) : null
      }
    >
      <div className="ht-filters">
        <SearchInput
          placeholder={t('catalog.basis.search.placeholder')}
          onSearch={setQ}
          style={{ width: 320 }}
          testId="legal-basis-search"
        />
        <Space>
          <Switch checked={showInactive} onChange={setShowInactive} data-testid="legal-basis-show-inactive" />
          <span>{t('catalog.basis.showInactive')}</span>
        </Space>
      </div>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <PagedTable<LegalBasis>
        rowKey="id"
        size="middle"
        columns={columns}
        rows={rows}
        loading={list.loading}
        hideOnSinglePage={false}
        rowTestId="legal-basis-row"
        scroll={{ x: 1100 }}
      />
      <BasisModal
        open={modalOpen}
        basis={editing}
        onClose={() => setModalOpen(false)}
        onSaved={() => {
          setModalOpen(false);
          void message.success(t('common.saved'));
          list.reload();
        }}
      />
    </PageContainer>
  );
}
