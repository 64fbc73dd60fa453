import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Select, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { PagedTable } from '../../components/paged-table';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/load-error';
import { PageContainer } from '../../components/page-container';
import { SearchInput } from '../../components/search-input';
import { isCityAdmin } from '../auth/auth-api';
import { useAuth } from '../auth/auth-context';
import { DivisionSelect } from './division-select';
import { orgApi } from './org-api';
import type { Division } from '@huitong/contract/org';
import { DIVISION_KINDS, type DivisionKind } from '@huitong/contract/values';
import { useDivisions } from './use-divisions';

type CreateValues = { code: string; name: string; kind: DivisionKind; parentCode?: string };
type RenameValues = { name: string };

const KIND_COLOURS: Record<DivisionKind, string> = {
  province: 'magenta',
  city: 'geekblue',
  district: 'blue',
  county: 'green',
  county_city: 'cyan',
};

export function DivisionsPanel() {
  const { t } = useI18n();
  const { account } = useAuth();
  const { message } = App.useApp();
  const divisions = useDivisions();
  const canEdit = isCityAdmin(account);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Division | null>(null);
  const [createForm] = Form.useForm<CreateValues>();
  const [renameForm] = Form.useForm<RenameValues>();
  const [q, setQ] = useState('');

  const all = divisions.data ?? [];
  const byCode = useMemo(() => new Map(all.map((d) => [d.code, d])), [all]);
  const rows = q ? all.filter((d) => d.name.includes(q) || d.code.includes(q)) : all;

  useEffect(() => {
    if (renaming) renameForm.setFieldsValue({ name: renaming.name });
  }, [renaming, renameForm]);

  const create = async (v: CreateValues) => {
    await orgApi.createDivision({
      code: v.code.trim(),
      name: v.name.trim(),
      kind: v.kind,
      parentCode: v.parentCode ?? null,
    });
    void message.success(t('common.saved'));
    setCreating(false);
    createForm.resetFields();
    divisions.reload();
  };

  const rename = async (v: RenameValues) => {
    if (!renaming) return;
    await orgApi.renameDivision(renaming.code, v.name.trim());
    void message.success(t('common.saved'));
    setRenaming(null);
    divisions.reload();
  };

  const columns: TableColumnsType<Division> = [
    {
      title: t('division.code'),
      dataIndex: 'code',
      width: 120,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    { title: t('division.name'), dataIndex: 'name' },
    {
      title: t('division.kind'),
      dataIndex: 'kind',
      width: 120,
      render: (k: DivisionKind) => <Tag color={KIND_COLOURS[k]}>{t(`division.kind.${k}`)}</Tag>,
    },
    {
      title: t('division.parent'),
      dataIndex: 'parentCode',
      render: (code: string | null) =>
        code ? `${byCode.get(code)?.name ?? ''} (${code})` : <span className="ht-muted">—</span>,
    },
  ];
  if (canEdit) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      render: (_, d) => (
        <Button
          type="link"
          size="small"
          icon={<EditOutlined />}
          data-testid="division-rename"
          onClick={() => setRenaming(d)}
        >
          {t('division.rename')}
        </Button>
      ),
    });
  }

  return (
    <PageContainer
      title={t('nav.admin.divisions')}
      description={t('division.page.description')}
      testId="divisions-page"
      extra={
        canEdit ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="division-create"
            onClick={() => setCreating(true)}
          >
            {t('division.create')}
          </Button>
        ) : null
      }
    >
      <div className="ht-filters">
        <SearchInput
          placeholder={t('division.search.placeholder')}
          onSearch={setQ}
          style={{ width: 280 }}
          testId="division-search"
        />
      </div>
      {divisions.error ? <LoadError error={divisions.error} onRetry={divisions.reload} /> : null}
      <div data-testid="divisions-table">
        <PagedTable<Division>
          rowKey="code"
          size="middle"
          columns={columns}
          rows={rows}
          loading={divisions.loading}
          pageSize={50}
          showTotal={false}
          rowTestId="division-row"
        />
      </div>
      <FormModal<CreateValues>
        open={creating}
        title={t('division.create')}
        form={createForm}
        onSubmit={create}
        onCancel={() => setCreating(false)}
        okText={t('common.save')}
        okTestId="division-save"
        initialValues={{ kind: 'district' }}
        preserve={false}
      >
        <Form.Item
          name="code"
          label={t('division.code')}
          extra={t('division.code.hint')}
          rules={[
            { required: true, message: t('form.required') },
            { pattern: /^\d{6}$/, message: t('division.code.invalid') },
          ]}
        >
          <Input maxLength={6} data-testid="division-code" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('division.name')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input data-testid="division-name" />
        </Form.Item>
        <Form.Item
          name="kind"
          label={t('division.kind')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Select
            data-testid="division-kind"
            options={DIVISION_KINDS.map((k) => ({ value: k, label: t(`division.kind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="parentCode" label={t('division.parent')}>
          <DivisionSelect divisions={all} testId="division-parent" />
        </Form.Item>
      </FormModal>
      <FormModal<RenameValues>
        open={renaming !== null}
        title={t('division.rename.title', { code: renaming?.code ?? '' })}
        form={renameForm}
        onSubmit={rename}
        onCancel={() => setRenaming(null)}
        okText={t('common.save')}
      >
        <Form.Item
          name="name"
          label={t('division.name')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input data-testid="division-rename-name" />
        </Form.Item>
      </FormModal>
    </PageContainer>
  );
}
