import { AppError, ConflictError, ForbiddenError, NotFoundError, invalidField } from '../../shared/errors.ts';
import { creditCodeProblem } from '../../shared/identifiers.ts';

/**
 * The one answer to an anonymous caller for an unknown user name, a wrong password and a paused
 * (user name, address) pair alike.
 */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('invalid_credentials', 401, {
      zh: '用户名或密码错误（多次失败后，本地址将暂停登录一段时间）',
      en: 'Wrong user name or password (after repeated failures, sign-in from this address pauses for a while)',
    });
  }
}

export class AccountDisabledError extends AppError {
  constructor() {
    super('account_disabled', 403, { zh: '账号已停用', en: 'This account is disabled' });
  }
}

export class RateLimitedError extends AppError {
  constructor() {
    super('rate_limited', 429, { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' });
  }
}

export class WrongPasswordError extends AppError {
  constructor() {
    super('wrong_password', 400, { zh: '当前密码不正确', en: 'The current password is wrong' }, [
      { field: 'currentPassword', message: { zh: '不正确', en: 'is wrong' } },
    ]);
  }
}

export class WeakPasswordError extends AppError {
  constructor(field: string) {
    super(
      'weak_password',
      400,
      {
        zh: '密码至少 10 位，且须包含大写字母、小写字母、数字、符号中的至少三类',
        en: 'A password needs at least 10 characters from at least three of: upper case, lower case, digits, symbols',
      },
      [{ field, message: { zh: '强度不足', en: 'is too weak' } }],
    );
  }
}

export const orgNotFound = () => new NotFoundError({ zh: '机构', en: 'Organisation' });
export const accountNotFound = () => new NotFoundError({ zh: '账号', en: 'Account' });
export const credentialNotFound = () => new NotFoundError({ zh: 'API 凭证', en: 'API credential' });
export const divisionNotFound = () => new NotFoundError({ zh: '行政区划', en: 'Division' });

export const usernameTaken = () =>
  new ConflictError('username_taken', { zh: '用户名已被使用', en: 'The user name is already taken' }, [
    { field: 'username', message: { zh: '已被使用', en: 'is taken' } },
  ]);

export const outsideJurisdiction = () =>
  new ForbiddenError({
    zh: '该机构不在您的管辖范围内',
    en: 'This organisation is outside your jurisdiction',
  });

/** Rejects a credit code whose length, alphabet or GB 32100 check character is wrong. */
export function assertCreditCode(code: string, field = 'creditCode'): void {
  switch (creditCodeProblem(code)) {
    case null:
      return;
    case 'length':
      throw invalidField(
        field,
        '应为 18 位统一社会信用代码',
        'must be an 18-character unified social credit code',
      );
    case 'alphabet':
      throw invalidField(
        field,
        '含有不允许的字符（只能使用数字和除 I、O、Z、S、V 以外的大写字母）',
        'contains characters outside 0-9 and A-Y without I, O, Z, S, V',
      );
    case 'check':
      throw invalidField(field, '校验码错误（GB 32100）', 'has a wrong check character (GB 32100)');
  }
}

const CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/];
export function assertStrongPassword(password: string, field: string): void {
  if (password.length < 10 || CLASSES.filter((c) => c.test(password)).length < 3)
    throw new WeakPasswordError(field);
}
