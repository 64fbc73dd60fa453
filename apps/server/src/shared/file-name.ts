/**
 * The one file-name rule, for every way a file name arrives (the one-shot upload's and push-session
 * file's `fileName`, a resumable upload's `filename` metadata — which file resources keep): the name
 * is only ever shown and offered as a download name, never used as a path, and it is checked, not
 * repaired, so what is stored is what the provider sent.
 */
import { invalidField, type Message } from './errors.ts';
import { DEFAULT_MAX_LENGTH, textProblem } from './text-input.ts';

export const FILE_NAME_MAX_LENGTH = DEFAULT_MAX_LENGTH.fileName;

// Path separators, and what Windows does not allow in a name (a download must be savable there).
const FORBIDDEN = /[/\\<>:"|?*]/u;

/** Why a file name is refused, or null when it is accepted. */
export function fileNameProblem(name: string): Message | null {
  if (name.length === 0) return { zh: '不能为空', en: 'must not be empty' };
  if (name.length > FILE_NAME_MAX_LENGTH)
    return {
      zh: `不能超过 ${FILE_NAME_MAX_LENGTH} 个字符`,
      en: `must be at most ${FILE_NAME_MAX_LENGTH} characters`,
    };
  const text = textProblem(name, 'line');
  if (text) return text;
  const forbidden = FORBIDDEN.exec(name);
  if (forbidden)
    return {
      zh: `不能含有路径分隔符或字符 ${forbidden[0]}（文件名不能带路径，也不能含 \\ / : * ? " < > |）`,
      en: `must not contain ${forbidden[0]} (no path parts, and none of \\ / : * ? " < > |)`,
    };
  if (/^[. ]+$/u.test(name)) return { zh: '不是有效的文件名', en: 'is not a file name' };
  if (name !== name.trim()) return { zh: '首尾不能有空白字符', en: 'must not begin or end with white space' };
  return null;
}

/** The file name as it is kept (Unicode NFC), or a 400 naming `field` when the rule refuses it. */
export function acceptFileName(name: string, field = 'fileName'): string {
  const problem = fileNameProblem(name);
  if (problem) throw invalidField(field, problem.zh, problem.en);
  return name.normalize('NFC');
}
