import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Form, Input, InputNumber, Select, Space, Table, Tooltip } from 'antd';
import type { FormListFieldData, TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useI18n } from '../../app/i18n';
import { DATA_TYPES, SENSITIVITIES, type DataType, type Sensitivity } from '@huitong/contract/values';
import { FieldComment } from './version-view';

export type ItemValues = {
  name?: string;
  label?: string;
  dataType?: DataType;
  length?: number | null;
  required?: boolean;
  sensitivity?: Sensitivity;
  description?: string | null;
};

export const NEW_ITEM: ItemValues = {
  name: '',
  label: '',
  dataType: 'string',
  length: null,
  required: false,
  sensitivity: 1,
  description: '',
};

const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

type Props = {
  /** Reviewer notes keyed `dataItems.<name>`. */
  comments: Record<string, string>;
  /** Row indexes whose label another department already provides (Art. 14). */
  duplicateRows: Set<number>;
};

/** The editable table of data items (信息项): add, remove, reorder, with per-cell validation. */
export function DataItemsEditor({ comments, duplicateRows }: Props) {
  const { t } = useI18n();
  const form = Form.useFormInstance();

  return (
    <Form.List name="dataItems">
      {(fields, { add, remove, move }) => {
        const columns: TableColumnsType<FormListFieldData> = [
          { title: '#', key: 'no', width: 44, render: (_, __, i) => i + 1 },
          {
            title: t('catalog.item.label'),
            key: 'label',
            width: 190,
            render: (_, field) => {
              const name =
                (form.getFieldValue(['dataItems', field.name, 'name']) as string | undefined) ?? '';
              return (
                <>
                  <Form.Item
                    name={[field.name, 'label']}
                    rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 100 }]}
                    className="ht-cell-item"
                  >
                    <Input placeholder="公民身份号码" data-testid="data-item-label" />
                  </Form.Item>
                  <FieldComment
                    field={`dataItems.${name}`}
                    text={name ? comments[`dataItems.${name}`] : undefined}
                  />
                </>
              );
            },
          },
          {
            title: t('catalog.item.name'),
            key: 'name',
            width: 170,
            render: (_, field) => (
              <Form.Item
                name={[field.name, 'name']}
                rules={[
                  { required: true, message: t('form.required') },
                  { max: 64 },
                  { pattern: NAME_PATTERN, message: t('catalog.editor.item.name.invalid') },
                  ({ getFieldValue }) => ({
                    validator: (_rule, value: string | undefined) => {
                      const all = (getFieldValue('dataItems') as ItemValues[] | undefined) ?? [];
                      const same = all.filter((d, i) => i !== field.name && d?.name && d.name === value);
                      return value && same.length > 0
                        ? Promise.reject(new Error(t('catalog.editor.item.name.duplicate')))
                        : Promise.resolve();
                    },
                  }),
                ]}
                className="ht-cell-item"
              >
                <Input placeholder="id_number" data-testid="data-item-name" />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.dataType'),
            key: 'dataType',
            width: 160,
            render: (_, field) => (
              <Form.Item
                name={[field.name, 'dataType']}
                rules={[{ required: true, message: t('form.required') }]}
                className="ht-cell-item"
              >
                <Select
                  options={DATA_TYPES.map((d) => ({ value: d, label: t(`catalog.dataType.${d}`) }))}
                  data-testid="data-item-type"
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.length'),
            key: 'length',
            width: 100,
            render: (_, field) => (
              <Form.Item name={[field.name, 'length']} className="ht-cell-item">
                <InputNumber
                  min={1}
                  max={100000}
                  precision={0}
                  style={{ width: '100%' }}
                  data-testid="data-item-length"
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.required'),
            key: 'required',
            width: 84,
            align: 'center',
            render: (_, field) => (
              <Form.Item name={[field.name, 'required']} valuePropName="checked" className="ht-cell-item">
                <Checkbox data-testid="data-item-required" />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.sensitivity'),
            key: 'sensitivity',
            width: 170,
            render: (_, field) => (
              <Form.Item name={[field.name, 'sensitivity']} className="ht-cell-item">
                <Select
                  options={SENSITIVITIES.map((s) => ({ value: s, label: t(`catalog.sensitivity.${s}`) }))}
                  data-testid="data-item-sensitivity"
                />
              </Form.Item>
            ),
          },
          {
            title: t('catalog.item.description'),
            key: 'description',
            width: 220,
            render: (_, field) => (
              <Form.Item name={[field.name, 'description']} rules={[{ max: 500 }]} className="ht-cell-item">
                <Input data-testid="data-item-description" />
              </Form.Item>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 118,
            fixed: 'right',
            render: (_, field, index) => (
              <Space size={0}>
                <Tooltip title={t('catalog.editor.item.moveUp')}>
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowUpOutlined />}
                    disabled={index === 0}
                    aria-label={t('catalog.editor.item.moveUp')}
                    onClick={() => move(index, index - 1)}
                    data-testid="data-item-up"
                  />
                </Tooltip>
                <Tooltip title={t('catalog.editor.item.moveDown')}>
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowDownOutlined />}
                    disabled={index === fields.length - 1}
                    aria-label={t('catalog.editor.item.moveDown')}
                    onClick={() => move(index, index + 1)}
                    data-testid="data-item-down"
                  />
                </Tooltip>
                <Tooltip title={t('catalog.editor.item.remove')}>
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('catalog.editor.item.remove')}
                    onClick={() => remove(field.name)}
                    data-testid="data-item-remove"
                  />
                </Tooltip>
              </Space>
            ),
          },
        ];
        return (
          <div data-testid="data-items-editor">
            <Table<FormListFieldData>
              rowKey="key"
              size="small"
              columns={columns}
              dataSource={fields}
              pagination={false}
              scroll={{ x: 1340 }}
              locale={{ emptyText: t('catalog.editor.noItems') }}
              onRow={(_, index) => {
                const attrs: HTMLAttributes<HTMLElement> & { 'data-testid': string } = {
                  'data-testid': 'data-item-row',
                  className: index !== undefined && duplicateRows.has(index) ? 'ht-row-duplicate' : '',
                };
                return attrs;
              }}
            />
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              onClick={() => add({ ...NEW_ITEM })}
              style={{ marginTop: 8 }}
              data-testid="data-item-add"
            >
              {t('catalog.editor.item.add')}
            </Button>
          </div>
        );
      }}
    </Form.List>
  );
}
