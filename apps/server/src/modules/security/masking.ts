/**
 * Masking of sensitive values (REFERENCE.md's styles), for everyone who may see a sensitive field
 * only masked: validation reports, and the authority's reviewers reading a department's rows.
 */
import type { DataType } from '@huitong/contract/values';

function stars(n: number): string {
  return '*'.repeat(Math.max(n, 1));
}

/**
 * Masks a value of a sensitive item for a report, after REFERENCE.md: identity numbers keep the
 * first 6 and last 4 characters, phones the first 3 and last 4, addresses down to the district
 * (区/县/市 within the first 12 characters), names the surname; anything else is starred out.
 */
export function maskValue(dataType: DataType, name: string, text: string): string {
  const chars = [...text];
  const n = chars.length;
  switch (dataType) {
    case 'id_number':
      return n >= 12
        ? `${chars.slice(0, 6).join('')}${stars(n - 10)}${chars.slice(n - 4).join('')}`
        : stars(n);
    case 'phone':
      return n >= 8 ? `${chars.slice(0, 3).join('')}****${chars.slice(n - 4).join('')}` : stars(n);
    case 'string': {
      const head = chars.slice(0, 12).join('');
      const district = Math.max(head.lastIndexOf('区'), head.lastIndexOf('县'));
      if (district > 0 && district < n - 1) return `${chars.slice(0, district + 1).join('')}****`;
      if (/name$/.test(name) && n <= 6) return `${chars[0] ?? ''}${stars(n - 1)}`;
      return stars(Math.min(n, 8));
    }
    case 'integer':
    case 'decimal':
    case 'date':
    case 'datetime':
    case 'boolean':
    case 'credit_code':
    case 'geometry':
    case 'binary':
      return stars(Math.min(n, 8));
  }
}
