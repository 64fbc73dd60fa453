import { ThunderboltOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { FormModal } from '../../components/form-modal';
import { usePasswordRules, useUsernameRules } from '../auth/use-password-rules';
import { orgApi } from './org-api';
import type { Organisation, Account as StaffAccount, UpdateAccountBody } from '@huitong/contract/org';
import type { AccountStatus, OrgKind, Role } from '@huitong/contract/values';
import { OrganisationSelect } from './organisation-select';
import { generatePassword } from './password-generator';
import { RoleSelect, rolesFor } from './role-select';
import { useRoleCatalog } from './use-roles';

function PasswordField({ name, testId }: { name: string; testId: string }) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const passwordRules = usePasswordRules();
  return (
    <Form.Item label={t('account.initialPassword')} required extra={t('account.initialPassword.hint')}>
      <Space.Compact style={{ width: '100%' }}>
        <Form.Item name={name} noStyle rules={passwordRules}>
          <Input.Password autoComplete="new-password" data-testid={testId} />
        </Form.Item>
        <Button
          icon={<ThunderboltOutlined />}
          onClick={() => form.setFieldValue(name, generatePassword())}
          data-testid={`${testId}-generate`}
        >
          {t('account.generatePassword')}
        </Button>
      </Space.Compact>
    </Form.Item>
  );
}

type CreateValues = {
  username: string;
  displayName: string;
  orgId: string;
  roles: Role[];
  password: string;
};

export function CreateAccountModal({
  open,
  defaultOrgId,
  onClose,
  onCreated,
}: {
  open: boolean;
  defaultOrgId?: string;
  onClose: () => void;
  onCreated: () => void;
}) {
  const { t } = useI18n();
  const { roles, loading: rolesLoading } = useRoleCatalog();
  const usernameRules = useUsernameRules();
  const [form] = Form.useForm<CreateValues>();
  const [orgKind, setOrgKind] = useState<OrgKind | undefined>(undefined);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setOrgKind(undefined);
    if (defaultOrgId) {
      form.setFieldValue('orgId', defaultOrgId);
      orgApi.getOrganisation(defaultOrgId).then(
        (o) => setOrgKind(o.kind),
        () => undefined,
      );
    }
  }, [open, defaultOrgId, form]);

  const onPick = (org: Organisation | undefined) => {
    setOrgKind(org?.kind);
    const allowed = new Set(rolesFor(roles, org?.kind).map((r) => r.role));
    const current = (form.getFieldValue('roles') as Role[] | undefined) ?? [];
    form.setFieldValue(
      'roles',
      current.filter((r) => allowed.has(r)),
    );
  };

  const onSubmit = async (v: CreateValues) => {
    await orgApi.createAccount({
      username: v.username.trim(),
      displayName: v.displayName.trim(),
      orgId: v.orgId,
      roles: v.roles ?? [],
      password: v.password,
    });
    onCreated();
  };

  return (
    <FormModal<CreateValues>
      open={open}
      title={t('account.create')}
      form={form}
      onSubmit={onSubmit}
      onCancel={onClose}
      okText={t('common.create')}
      okTestId="account-save"
      formTestId="account-form"
      initialValues={{ roles: [] }}
      width={560}
    >
      <Form.Item
        name="username"
        label={t('auth.username')}
        extra={t('register.username.hint')}
        rules={usernameRules}
      >
        <Input autoComplete="off" data-testid="account-username" />
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('account.displayName')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 50 }]}
      >
        <Input data-testid="account-display-name" />
      </Form.Item>
      <Form.Item
        name="orgId"
        label={t('account.organisation')}
        rules={[{ required: true, message: t('form.required') }]}
      >
        <OrganisationSelect onPick={onPick} allowClear={false} testId="account-org" />
      </Form.Item>
      <Form.Item name="roles" label={t('account.roles')} extra={t('account.roles.hint')}>
        <RoleSelect roles={roles} orgKind={orgKind} loading={rolesLoading} testId="account-roles" />
      </Form.Item>
      <PasswordField name="password" testId="account-password" />
    </FormModal>
  );
}

type EditValues = { displayName: string; roles: Role[]; status: AccountStatus };

export function EditAccountModal({
  account,
  onClose,
  onSaved,
}: {
  account: StaffAccount | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { roles, loading: rolesLoading } = useRoleCatalog();
  const [form] = Form.useForm<EditValues>();
  const [orgKind, setOrgKind] = useState<OrgKind | undefined>(undefined);

  useEffect(() => {
    if (!account) return;
    form.setFieldsValue({ displayName: account.displayName, roles: account.roles, status: account.status });
    setOrgKind(undefined);
    orgApi.getOrganisation(account.orgId).then(
      (o) => setOrgKind(o.kind),
      () => undefined,
    );
  }, [account, form]);

  const onSubmit = async (v: EditValues) => {
    if (!account) return;
    const patch: UpdateAccountBody = {};
    if (v.displayName.trim() !== account.displayName) patch.displayName = v.displayName.trim();
    const sortedBefore = [...account.roles].sort().join(',');
    const sortedAfter = [...(v.roles ?? [])].sort().join(',');
    if (sortedBefore !== sortedAfter) patch.roles = v.roles ?? [];
    if (v.status !== account.status) patch.status = v.status;
    if (Object.keys(patch).length > 0) await orgApi.updateAccount(account.id, patch);
    onSaved();
  };

  return (
    <FormModal<EditValues>
      open={account !== null}
      title={t('account.edit.title', { username: account?.username ?? '' })}
      form={form}
      onSubmit={onSubmit}
      onCancel={onClose}
      okText={t('common.save')}
      okTestId="account-edit-save"
      formTestId="account-edit-form"
      width={560}
    >
      <Form.Item label={t('account.organisation')}>
        <Typography.Text>{account?.orgName ?? ''}</Typography.Text>
      </Form.Item>
      <Form.Item
        name="displayName"
        label={t('account.displayName')}
        rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 50 }]}
      >
        <Input data-testid="account-edit-display-name" />
      </Form.Item>
      <Form.Item name="roles" label={t('account.roles')} extra={t('account.roles.hint')}>
        <RoleSelect
          roles={roles}
          orgKind={orgKind}
          loading={rolesLoading || !orgKind}
          testId="account-edit-roles"
        />
      </Form.Item>
      <Form.Item name="status" label={t('account.status')}>
        <Select
          data-testid="account-edit-status"
          options={[
            { value: 'active', label: t('account.status.active') },
            { value: 'disabled', label: t('account.status.disabled') },
          ]}
        />
      </Form.Item>
    </FormModal>
  );
}

type ResetValues = { password: string };

export function ResetPasswordModal({
  account,
  onClose,
  onDone,
}: {
  account: StaffAccount | null;
  onClose: () => void;
  onDone: (password: string) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<ResetValues>();

  useEffect(() => {
    if (account) form.setFieldsValue({ password: generatePassword() });
  }, [account, form]);

  const onSubmit = async (v: ResetValues) => {
    if (!account) return;
    await orgApi.resetPassword(account.id, v.password);
    onDone(v.password);
  };

  return (
    <FormModal<ResetValues>
      open={account !== null}
      title={t('account.resetPassword.title', { username: account?.username ?? '' })}
      form={form}
      onSubmit={onSubmit}
      onCancel={onClose}
      okText={t('account.resetPassword')}
      okTestId="account-reset-save"
    >
      <Typography.Paragraph type="secondary">{t('account.resetPassword.description')}</Typography.Paragraph>
      <PasswordField name="password" testId="account-temp-password" />
    </FormModal>
  );
}
