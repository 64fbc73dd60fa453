import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LocalisedMessage } from '@huitong/contract/common';
import { enUS } from '../i18n/en-US';
import { zhCN, type MessageKey } from '../i18n/zh-CN';

export type Locale = 'zh-CN' | 'en-US';

export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US'];

const STORAGE_KEY = 'huitong.locale';

const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };

export type Vars = Record<string, string | number>;

export type I18n = {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  /** The text of a key in the current language, with `{name}` placeholders filled from `vars`. */
  t: (key: MessageKey, vars?: Vars) => string;
  /** For keys built at run time (e.g. `role.${code}`): the text, or `fallback` when there is none. */
  tDynamic: (key: string, fallback: string) => string;
  /** Picks the current language from a server-side `{zh, en}` text. */
  pick: (text: LocalisedMessage | string | null | undefined) => string;
};

function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en-US';
}

function applyDayjsLocale(locale: Locale): void {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
}

function readStoredLocale(): Locale {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // storage may be unavailable (private mode); fall back to the default
  }
  return 'zh-CN';
}

function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

function hasKey(dict: Record<MessageKey, string>, key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const initial = readStoredLocale();
    applyDayjsLocale(initial);
    return initial;
  });

  const setLocale = useCallback((next: Locale) => {
    applyDayjsLocale(next);
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // ignore: the choice then lasts for this page only
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(() => {
    const dict = dictionaries[locale];
    return {
      locale,
      setLocale,
      t: (key, vars) => format(dict[key], vars),
      tDynamic: (key, fallback) => (hasKey(dict, key) ? dict[key] : fallback),
      pick: (text) => {
        if (text === null || text === undefined) return '';
        if (typeof text === 'string') return text;
        return locale === 'zh-CN' ? text.zh : text.en;
      },
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n must be used inside <I18nProvider>');
  return ctx;
}

/**
 * Sets the document title to `<page> - <site>` in the current language (`null`: the site name
 * alone; `undefined`: leave it to another component).
 */
export function useDocumentTitle(title: string | null | undefined): void {
  const { t } = useI18n();
  const site = t('app.title');
  useEffect(() => {
    if (title === undefined) return;
    document.title = title ? `${title} - ${site}` : site;
  }, [title, site]);
}
