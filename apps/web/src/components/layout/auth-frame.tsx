import type { ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { Brand } from './brand';
import { LanguageSwitch } from './language-switch';

/** The centred card on the brand background used by sign-in, registration and password change. */
export function AuthFrame({
  title,
  subtitle,
  children,
  wide = false,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
  wide?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="ht-auth">
      <div className="ht-auth-top">
        <Brand to="/" subtitle={t('portal.brandSubtitle')} />
        <LanguageSwitch light />
      </div>
      <div className="ht-auth-body">
        <div className="ht-auth-intro">
          <h1>{t('auth.intro.title')}</h1>
          <p>{t('auth.intro.text')}</p>
          <ul>
            <li>{t('auth.intro.point1')}</li>
            <li>{t('auth.intro.point2')}</li>
            <li>{t('auth.intro.point3')}</li>
          </ul>
        </div>
        <div className={`ht-auth-card${wide ? ' is-wide' : ''}`}>
          <h2 className="ht-auth-title">{title}</h2>
          {subtitle ? <p className="ht-auth-subtitle">{subtitle}</p> : null}
          {children}
        </div>
      </div>
      <div className="ht-auth-foot">{t('portal.footer.copyright')}</div>
    </div>
  );
}
