import { Link } from 'react-router';
import { useI18n } from '../../app/i18n';

/** The Huitong mark: three converging data streams in a rounded square. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#ffffff" />
      <rect x="4" y="4" width="56" height="56" rx="11" fill="#1f5fbf" />
      <path
        d="M14 22c8-8 28-8 36 0M14 32c8-8 28-8 36 0M14 42c8-8 28-8 36 0"
        stroke="#fff"
        strokeWidth="5"
        fill="none"
        strokeLinecap="round"
      />
    </svg>
  );
}

export function Brand({
  to = '/',
  subtitle,
  light = true,
}: {
  to?: string;
  subtitle?: string;
  light?: boolean;
}) {
  const { t } = useI18n();
  const color = light ? '#ffffff' : '#0d3a80';
  return (
    <Link to={to} className="ht-brand" data-testid="brand" style={{ color }}>
      <BrandMark />
      <span className="ht-brand-text">
        <span className="ht-brand-name">{t('app.brand')}</span>
        {subtitle ? <span className="ht-brand-sub">{subtitle}</span> : null}
      </span>
    </Link>
  );
}
