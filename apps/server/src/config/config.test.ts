import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** The ConfigError `loadConfig(env)` stops with; fails the test when it does not throw one. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, '/srv/huitong');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig defaults', () => {
  it('starts on port 8080 with the demo city on the embedded database', () => {
    const config = loadConfig({}, '/srv/huitong');
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.demo).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('/srv/huitong', 'data'));
    expect(config.logLevel).toBe('info');
    expect(config.cookieSecure).toBe(true);
    expect(config.bodyLimit).toBe(1024 * 1024);
    expect(config.adminPassword).toBeUndefined();
    expect(config.cityCode).toBeUndefined();
    expect(config).toMatchObject({
      exportsMax: 4,
      exportsPerUser: 2,
      exportsPerOrg: 3,
      exportIdleSeconds: 60,
    });
  });

  it('reads only the env object it is given', () => {
    const config = loadConfig({ PORT: '9000' }, '/srv/huitong');
    expect(config.port).toBe(9000);
    expect(loadConfig({}, '/srv/huitong').port).toBe(8080);
  });

  it('treats empty values as unset', () => {
    const config = loadConfig(
      { PORT: '', DATABASE_URL: '', HUITONG_DEMO: '', HUITONG_ADMIN_PASSWORD: '', HUITONG_CITY_CODE: '' },
      '/srv/huitong',
    );
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demo).toBe(true);
    expect(config.adminPassword).toBeUndefined();
    expect(config.cityCode).toBeUndefined();
  });
});

describe('loadConfig accepts valid values', () => {
  it.each(['postgres://huitong@db:5432/huitong', 'postgresql://u:p@127.0.0.1/h'])(
    'DATABASE_URL=%s',
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  it.each([
    ['0', false],
    ['false', false],
    ['no', false],
    ['OFF', false],
    ['1', true],
    ['TRUE', true],
    ['yes', true],
    ['on', true],
  ] as const)('HUITONG_DEMO=%s → %s', (raw, demo) => {
    expect(loadConfig({ HUITONG_DEMO: raw }).demo).toBe(demo);
  });

  it('takes the boundary ports and a 10-character password', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ HUITONG_ADMIN_PASSWORD: '0123456789' }).adminPassword).toBe('0123456789');
    expect(loadConfig({ HUITONG_CITY_CODE: '210100' }).cityCode).toBe('210100');
    expect(loadConfig({ HUITONG_LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
  });

  it('takes an account-wide sign-in threshold not below the per-address one', () => {
    expect(loadConfig({}).lockoutAccountThreshold).toBe(20);
    const equal = loadConfig({ HUITONG_LOCKOUT_THRESHOLD: '8', HUITONG_LOCKOUT_ACCOUNT_THRESHOLD: '8' });
    expect(equal).toMatchObject({ lockoutThreshold: 8, lockoutAccountThreshold: 8 });
  });
});

describe('loadConfig stops on invalid values with a ConfigError naming the variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'http://db:5432/huitong'],
    ['HUITONG_DEMO', 'maybe'],
    ['HUITONG_LOG_LEVEL', 'loud'],
    ['HUITONG_ADMIN_PASSWORD', 'short'],
    ['HUITONG_ADMIN_PASSWORD', '123456789'],
    ['HUITONG_CITY_CODE', '21'],
    ['HUITONG_CITY_CODE', '2101000'],
    ['HUITONG_CITY_CODE', '21010A'],
    ['HUITONG_BODY_LIMIT', '10'],
    ['HUITONG_EXPORTS_MAX', '0'],
    ['HUITONG_EXPORTS_MAX', '17'],
    ['HUITONG_EXPORTS_PER_USER', '0'],
    ['HUITONG_EXPORTS_PER_ORG', 'three'],
    ['HUITONG_EXPORT_IDLE_SECONDS', '0'],
    ['HUITONG_COOKIE_SECURE', 'sometimes'],
    ['HOST', 'my host'],
    ['HUITONG_LOCKOUT_ACCOUNT_THRESHOLD', '0'],
    ['HUITONG_LOCKOUT_ACCOUNT_THRESHOLD', '4'], // below HUITONG_LOCKOUT_THRESHOLD (5)
  ])('%s=%s', (variable, value) => {
    const err = configError({ [variable]: value });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigError');
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
  });

  it('says what is wrong with a port', () => {
    expect(configError({ PORT: 'abc' }).message).toMatch(/whole number/);
    expect(configError({ PORT: '70000' }).message).toMatch(/between 0 and 65535/);
  });

  it('never repeats a rejected password in the message', () => {
    const err = configError({ HUITONG_ADMIN_PASSWORD: 'Secr3t!' });
    expect(err.message).not.toContain('Secr3t!');
    const urlErr = configError({ DATABASE_URL: 'mysql://huitong:hunter2@db/h' });
    expect(urlErr.variable).toBe('DATABASE_URL');
    expect(urlErr.message).not.toContain('hunter2');
  });

  it('reports an invalid value even when other variables are valid', () => {
    const err = configError({
      PORT: '8081',
      DATABASE_URL: 'postgres://db/h',
      HUITONG_DEMO: '0',
      HUITONG_CITY_CODE: '21',
    });
    expect(err.variable).toBe('HUITONG_CITY_CODE');
  });
});
