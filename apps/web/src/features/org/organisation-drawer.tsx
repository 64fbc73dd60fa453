import { Button, Checkbox, Col, Divider, Drawer, Form, Input, Row, Select, Space, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../app/i18n';
import { useShowError } from '../../components/hooks/use-show-error';
import { isValidCreditCode } from './credit-code';
import { DivisionSelect } from './division-select';
import { orgApi } from './org-api';
import type { CreateOrgBody, Division, Organisation, UpdateOrgBody } from '@huitong/contract/org';
import { ORG_KINDS, ORG_LEVELS, type OrgKind, type OrgLevel } from '@huitong/contract/values';
import { OrganisationSelect } from './organisation-select';

type Values = {
  name: string;
  shortName?: string;
  kind: OrgKind;
  level: OrgLevel;
  creditCode?: string;
  divisionCode: string;
  parentId?: string;
  delegated: boolean;
  contactName?: string;
  contactPhone?: string;
  contactEmail?: string;
  active: boolean;
};

type Props = {
  open: boolean;
  /** The organisation to edit; create when absent. */
  organisation: Organisation | null;
  divisions: Division[];
  onClose: () => void;
  onSaved: (org: Organisation | null) => void;
};

const OPTIONAL_TEXT = ['shortName', 'contactName', 'contactPhone', 'contactEmail'] as const;

function blankToNull(value: string | undefined): string | null {
  const v = value?.trim();
  return v ? v : null;
}

/** The form's values as the API takes them: blanks as null, the credit code in capitals. */
type Cleaned = Required<Omit<CreateOrgBody, 'delegated'>> & { delegated: boolean; active: boolean };

function clean(v: Values): Cleaned {
  return {
    name: v.name.trim(),
    shortName: blankToNull(v.shortName),
    kind: v.kind,
    level: v.level,
    creditCode: (v.creditCode ?? '').trim().toUpperCase(),
    divisionCode: v.divisionCode,
    parentId: v.parentId ?? null,
    delegated: v.delegated,
    contactName: blankToNull(v.contactName),
    contactPhone: blankToNull(v.contactPhone),
    contactEmail: blankToNull(v.contactEmail),
    active: v.active,
  };
}

/** Creation sends only what was filled in; an edit sends only what changed (null clears a field). */
function createBody(input: Cleaned): CreateOrgBody {
  const body: CreateOrgBody = {
    name: input.name,
    kind: input.kind,
    level: input.level,
    creditCode: input.creditCode,
    divisionCode: input.divisionCode,
    delegated: input.delegated,
  };
  for (const key of OPTIONAL_TEXT) {
    const value = input[key];
    if (value) body[key] = value;
  }
  if (input.parentId) body.parentId = input.parentId;
  return body;
}

function patchBody(before: Organisation, input: Cleaned): UpdateOrgBody {
  const patch: UpdateOrgBody = {};
  if (input.name !== before.name) patch.name = input.name;
  if (input.kind !== before.kind) patch.kind = input.kind;
  if (input.level !== before.level) patch.level = input.level;
  if (input.creditCode !== before.creditCode) patch.creditCode = input.creditCode;
  if (input.divisionCode !== before.divisionCode) patch.divisionCode = input.divisionCode;
  if (input.parentId !== before.parentId) patch.parentId = input.parentId;
  if (input.delegated !== before.delegated) patch.delegated = input.delegated;
  if (input.active !== before.active) patch.active = input.active;
  for (const key of OPTIONAL_TEXT) {
    if (input[key] !== before[key]) patch[key] = input[key];
  }
  return patch;
}

export function OrganisationDrawer({ open, organisation, divisions, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const showError = useShowError();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const editing = organisation !== null;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (organisation) {
      form.setFieldsValue({
        name: organisation.name,
        shortName: organisation.shortName ?? undefined,
        kind: organisation.kind,
        level: organisation.level,
        creditCode: organisation.creditCode ?? undefined,
        divisionCode: organisation.divisionCode,
        parentId: organisation.parentId ?? undefined,
        delegated: organisation.delegated,
        contactName: organisation.contactName ?? undefined,
        contactPhone: organisation.contactPhone ?? undefined,
        contactEmail: organisation.contactEmail ?? undefined,
        active: organisation.active,
      });
    }
  }, [open, organisation, form]);

  const onFinish = async (values: Values) => {
    setSaving(true);
    try {
      const input = clean(values);
      if (organisation) {
        const patch = patchBody(organisation, input);
        if (Object.keys(patch).length === 0) {
          onSaved(null);
          return;
        }
        onSaved(await orgApi.updateOrganisation(organisation.id, patch));
      } else {
        onSaved(await orgApi.createOrganisation(createBody(input)));
      }
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={640}
      destroyOnHidden
      title={editing ? t('org.edit.title') : t('org.create.title')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={saving}
            onClick={() => form.submit()}
            data-testid="organisation-save"
          >
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'department', level: 'city', delegated: false, active: true }}
        onFinish={(v) => void onFinish(v)}
        data-testid="organisation-form"
      >
        <Form.Item
          name="name"
          label={t('org.name')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 100 }]}
        >
          <Input data-testid="organisation-name" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="shortName" label={t('org.shortName')} rules={[{ max: 50 }]}>
              <Input data-testid="organisation-short-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="creditCode"
              label={t('org.creditCode')}
              rules={[
                { required: true, whitespace: true, message: t('form.required') },
                {
                  validator: (_, value: string | undefined) =>
                    !value || isValidCreditCode(value.trim().toUpperCase())
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('org.creditCode.invalid'))),
                },
              ]}
            >
              <Input
                maxLength={18}
                data-testid="organisation-credit-code"
                style={{ textTransform: 'uppercase' }}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="kind"
              label={t('org.kind')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Select
                data-testid="organisation-kind"
                options={ORG_KINDS.map((k) => ({ value: k, label: t(`org.kind.${k}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="level"
              label={t('org.level')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Select
                data-testid="organisation-level"
                options={ORG_LEVELS.map((l) => ({ value: l, label: t(`org.level.${l}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="divisionCode"
          label={t('org.division')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <DivisionSelect divisions={divisions} allowClear={false} testId="organisation-division" />
        </Form.Item>
        <Form.Item name="parentId" label={t('org.parent')} extra={t('org.parent.hint')}>
          <OrganisationSelect excludeId={organisation?.id} testId="organisation-parent" />
        </Form.Item>
        <Form.Item name="delegated" valuePropName="checked" extra={t('org.delegated.hint')}>
          <Checkbox data-testid="organisation-delegated">{t('org.delegated')}</Checkbox>
        </Form.Item>
        <Divider titlePlacement="start" plain>
          {t('org.contacts')}
        </Divider>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="contactName" label={t('org.contactName')} rules={[{ max: 50 }]}>
              <Input data-testid="organisation-contact-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="contactPhone"
              label={t('org.contactPhone')}
              rules={[{ pattern: /^[0-9+()\- ]{5,30}$/, message: t('register.phone.invalid') }]}
            >
              <Input data-testid="organisation-contact-phone" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="contactEmail"
              label={t('org.contactEmail')}
              rules={[{ type: 'email', message: t('register.email.invalid') }]}
            >
              <Input data-testid="organisation-contact-email" />
            </Form.Item>
          </Col>
        </Row>
        {editing ? (
          <Form.Item name="active" label={t('org.active')} valuePropName="checked">
            <Switch data-testid="organisation-active" />
          </Form.Item>
        ) : null}
      </Form>
    </Drawer>
  );
}
