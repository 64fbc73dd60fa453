import { Form, Modal, type FormInstance, type FormProps, type ModalProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useI18n } from '../app/i18n';
import { useShowError } from './hooks/use-show-error';

export type FormModalProps<V extends object> = Omit<
  ModalProps,
  'onOk' | 'confirmLoading' | 'okButtonProps' | 'children' | 'onCancel'
> & {
  /** The form (from `Form.useForm`), which the caller fills and reads. */
  form: FormInstance<V>;
  /**
   * Sends the values once the form's rules pass. While it runs the OK button spins; what it throws
   * is shown (a server's field problems under their fields, anything else as a message).
   */
  onSubmit: (values: V) => Promise<void> | void;
  onCancel: () => void;
  /** `data-testid` of the OK button. */
  okTestId?: string;
  /** `data-testid` of the form. */
  formTestId?: string;
  initialValues?: FormProps<V>['initialValues'];
  layout?: FormProps<V>['layout'];
  /** Keep the values of fields that leave the form (antd's `preserve`, default true). */
  preserve?: boolean;
  children: ReactNode;
};

/**
 * A form in a modal: OK submits the form, the form's values go to `onSubmit`, a refusal is shown on
 * the form. The modal's content is dropped when it closes (`destroyOnHidden`) unless the caller
 * says otherwise; Cancel is labelled in the current language.
 */
export function FormModal<V extends object>({
  form,
  onSubmit,
  onCancel,
  okTestId,
  formTestId,
  initialValues,
  layout = 'vertical',
  preserve,
  children,
  ...modal
}: FormModalProps<V>) {
  const { t } = useI18n();
  const showError = useShowError();
  const [saving, setSaving] = useState(false);

  const finish = async (values: V) => {
    setSaving(true);
    try {
      await onSubmit(values);
    } catch (err) {
      showError(err, form);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      cancelText={t('common.cancel')}
      destroyOnHidden={!modal.forceRender}
      {...modal}
      onCancel={onCancel}
      onOk={() => form.submit()}
      confirmLoading={saving}
      okButtonProps={okTestId ? { 'data-testid': okTestId } : undefined}
    >
      <Form<V>
        form={form}
        layout={layout}
        initialValues={initialValues}
        preserve={preserve}
        onFinish={(v) => void finish(v)}
        data-testid={formTestId}
      >
        {children}
      </Form>
    </Modal>
  );
}
