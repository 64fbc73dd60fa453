/**
 * The reading options of a file sent as the body (an upload, or the whole file of a push session),
 * from its query (the contract's FileUploadQuery).
 */
import type { FileUploadQuery } from '@huitong/contract/provision';
import { AppError, invalidField } from '../../shared/errors.ts';
import { textProblem } from '../../shared/text-input.ts';

/**
 * The reading options a FileUploadQuery gives: a numeric `sheet` as the sheet's number, `mapping`
 * parsed (400 unless it is a JSON object of strings).
 */
export function fileOptionsOf(q: FileUploadQuery) {
  let mapping: Record<string, string> | undefined;
  if (q.mapping) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(q.mapping);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((v) => typeof v !== 'string')
    )
      throw new AppError(
        'validation',
        400,
        {
          zh: 'mapping 须为 JSON 对象（文件列名 → 信息项名）',
          en: 'mapping must be a JSON object (file column → data item name)',
        },
        [{ field: 'mapping', message: { zh: '不是 JSON 对象', en: 'is not a JSON object' } }],
      );
    mapping = parsed as Record<string, string>;
    // Its names follow the text rule of every request string (shared/text-input.ts).
    for (const name of Object.entries(mapping).flat()) {
      const problem = textProblem(name, 'line');
      if (problem) throw invalidField('mapping', problem.zh, problem.en);
    }
  }
  return {
    format: q.format,
    ...(q.encoding ? { encoding: q.encoding } : {}),
    ...(q.delimiter ? { delimiter: q.delimiter } : {}),
    ...(q.sheet ? { sheet: /^\d+$/.test(q.sheet) ? Number(q.sheet) : q.sheet } : {}),
    ...(q.fileName ? { fileName: q.fileName.normalize('NFC') } : {}),
    ...(mapping ? { mapping } : {}),
  };
}
