import { CopyOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { copyText } from '../../components/copy-text';
import { FormModal } from '../../components/form-modal';
import type { CreatedCredential } from '@huitong/contract/org';
import { orgApi } from './org-api';
import type { Organisation } from '@huitong/contract/org';
import type { OrgKind, Role } from '@huitong/contract/values';
import { OrganisationSelect } from './organisation-select';
import { RoleSelect, rolesFor } from './role-select';
import { useRoleCatalog } from './use-roles';

type Values = { orgId: string; name: string; roles: Role[]; expiresAt?: Dayjs | null };

type CreateProps = {
  open: boolean;
  /** Fixed organisation (a security officer issues credentials for their own organisation only). */
  fixedOrg: { id: string; name: string; kind: OrgKind } | null;
  defaultOrgId?: string | undefined;
  onClose: () => void;
  onCreated: (created: CreatedCredential) => void;
};

export function CreateCredentialModal({ open, fixedOrg, defaultOrgId, onClose, onCreated }: CreateProps) {
  const { t } = useI18n();
  const { roles, loading: rolesLoading } = useRoleCatalog();
  const [form] = Form.useForm<Values>();
  const [orgKind, setOrgKind] = useState<OrgKind | undefined>(undefined);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (fixedOrg) {
      form.setFieldValue('orgId', fixedOrg.id);
      setOrgKind(fixedOrg.kind);
    } else if (defaultOrgId) {
      form.setFieldValue('orgId', defaultOrgId);
      orgApi.getOrganisation(defaultOrgId).then(
        (o) => setOrgKind(o.kind),
        () => undefined,
      );
    } else {
      setOrgKind(undefined);
    }
  }, [open, fixedOrg, defaultOrgId, form]);

  const onPick = (org: Organisation | undefined) => {
    setOrgKind(org?.kind);
    const allowed = new Set(rolesFor(roles, org?.kind, true).map((r) => r.role));
    const current = (form.getFieldValue('roles') as Role[] | undefined) ?? [];
    form.setFieldValue(
      'roles',
      current.filter((r) => allowed.has(r)),
    );
  };

  const onSubmit = async (v: Values) => {
    const created = await orgApi.createCredential({
      orgId: v.orgId,
      name: v.name.trim(),
      roles: v.roles ?? [],
      ...(v.expiresAt ? { expiresAt: v.expiresAt.endOf('day').toISOString() } : {}),
    });
    onCreated(created);
  };

  return (
    <FormModal<Values>
      open={open}
      title={t('credential.create')}
      form={form}
      onSubmit={onSubmit}
      onCancel={onClose}
      okText={t('common.create')}
      okTestId="credential-save"
      formTestId="credential-form"
      initialValues={{ roles: [] }}
      width={560}
    >
      {fixedOrg ? (
        <>
          <Form.Item name="orgId" hidden>
            <Input />
          </Form.Item>
          <Form.Item label={t('account.organisation')}>
            <Typography.Text data-testid="credential-org-fixed">{fixedOrg.name}</Typography.Text>
          </Form.Item>
        </>
      ) : (
        <Form.Item
          name="orgId"
          label={t('account.organisation')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <OrganisationSelect onPick={onPick} allowClear={false} testId="credential-org" />
        </Form.Item>
      )}
      <Form.Item
        name="name"
        label={t('credential.name')}
        extra={t('credential.name.hint')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 100 }]}
      >
        <Input data-testid="credential-name" />
      </Form.Item>
      <Form.Item
        name="roles"
        label={t('account.roles')}
        extra={t('credential.roles.hint')}
        rules={[{ required: true, type: 'array', min: 1, message: t('credential.roles.required') }]}
      >
        <RoleSelect
          roles={roles}
          orgKind={orgKind}
          forSystems
          loading={rolesLoading}
          testId="credential-roles"
        />
      </Form.Item>
      <Form.Item name="expiresAt" label={t('credential.expiresAt')} extra={t('credential.expiresAt.hint')}>
        <DatePicker
          style={{ width: '100%' }}
          disabledDate={(d) => d.isBefore(dayjs(), 'day')}
          data-testid="credential-expires"
        />
      </Form.Item>
    </FormModal>
  );
}

/** Shows the new credential's token once, with a copy button and a warning. */
export function CredentialTokenModal({
  created,
  onClose,
}: {
  created: CreatedCredential | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const token = created?.token ?? '';
  const name = created?.credential.name ?? '';
  return (
    <Modal
      open={created !== null}
      title={t('credential.token.title', { name })}
      onCancel={onClose}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="credential-token-close">
          {t('credential.token.saved')}
        </Button>
      }
      width={640}
    >
      <Alert
        type="warning"
        showIcon
        icon={<WarningOutlined />}
        title={t('credential.token.warning')}
        style={{ marginBottom: 16 }}
      />
      <Typography.Paragraph type="secondary">{t('credential.token.usage')}</Typography.Paragraph>
      <div className="ht-token-box">
        <code className="ht-token" data-testid="credential-token">
          {token}
        </code>
        <Button
          icon={<CopyOutlined />}
          data-testid="credential-token-copy"
          onClick={() => {
            void copyText(token).then((ok) =>
              ok ? message.success(t('common.copied')) : message.warning(t('common.copyFailed')),
            );
          }}
        >
          {t('common.copy')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        <code>Authorization: Bearer {'<token>'}</code>
      </Typography.Paragraph>
    </Modal>
  );
}
