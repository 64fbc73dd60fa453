import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from '../../app/i18n';

/** Toggles between 中文 and English; the choice is remembered in this browser. */
export function LanguageSwitch({ light = false }: { light?: boolean }) {
  const { locale, setLocale, t } = useI18n();
  const next = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
  return (
    <Button
      type="text"
      size="small"
      icon={<GlobalOutlined />}
      data-testid="language-switch"
      data-locale={locale}
      aria-label={t('language.switchTo')}
      onClick={() => setLocale(next)}
      style={light ? { color: '#ffffff' } : undefined}
    >
      {next === 'en-US' ? t('language.english') : t('language.chinese')}
    </Button>
  );
}
