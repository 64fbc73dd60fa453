import {
  AppError,
  ConflictError,
  NotFoundError,
  ValidationError,
  type FieldProblem,
} from '../../shared/errors.ts';

export const entryNotFound = () => new NotFoundError({ zh: '目录条目', en: 'Catalog entry' });
export const basisNotFound = () => new NotFoundError({ zh: '法律依据', en: 'Legal basis' });
export const versionNotFound = () => new NotFoundError({ zh: '目录版本', en: 'Catalog version' });

export class NotSubmittableError extends ValidationError {
  constructor(fields: FieldProblem[]) {
    super(fields, {
      zh: `目录不能提交审核：${fields.map((f) => f.message.zh).join('；')}`,
      en: `The entry cannot be submitted: ${fields.map((f) => f.message.en).join('; ')}`,
    });
  }
}

export class DuplicateJustificationRequired extends AppError {
  constructor(duplicates: { label: string; name: string; orgName: string }[]) {
    const list = duplicates.map((d) => `${d.label}（${d.orgName}《${d.name}》）`).join('、');
    super(
      'duplicate_justification_required',
      400,
      {
        zh: `以下信息项已由其他部门提供，可通过共享获取，不得重复采集（第十四条）：${list}。如确需采集，请填写理由`,
        en: `These data items are already provided by other departments and can be obtained by sharing (Art. 14): ${list}. Give a justification to submit anyway`,
      },
      [{ field: 'duplicateJustification', message: { zh: '请说明重复采集的理由', en: 'is required' } }],
      { duplicates },
    );
  }
}

export const wrongState = (zh: string, en: string) => new ConflictError('wrong_state', { zh, en });
