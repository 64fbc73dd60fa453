import { SearchOutlined } from '@ant-design/icons';
import { Button, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../i18n/zh-CN';

/** The priority open domains of Art. 28: the label shown, and the domain value of the catalog. */
const HOT_TOPICS: readonly { label: MessageKey; domain: string }[] = [
  { label: 'portal.topic.credit', domain: '信用' },
  { label: 'portal.topic.transport', domain: '交通' },
  { label: 'portal.topic.health', domain: '医疗' },
  { label: 'portal.topic.employment', domain: '就业' },
  { label: 'portal.topic.socialSecurity', domain: '社保' },
  { label: 'portal.topic.education', domain: '教育' },
  { label: 'portal.topic.environment', domain: '环境' },
  { label: 'portal.topic.weather', domain: '气象' },
  { label: 'portal.topic.enterprise', domain: '企业登记监管' },
];

/** The banner with the data search box: it searches the open catalog (`/catalog?q=…`). */
export function PortalHero() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [q, setQ] = useState('');

  const search = () => {
    const text = q.trim();
    void navigate(text ? `/catalog?q=${encodeURIComponent(text)}` : '/catalog');
  };

  return (
    <section className="ht-hero" data-testid="portal-hero">
      <div className="ht-container ht-hero-inner">
        <h1 className="ht-hero-title">{t('portal.hero.title')}</h1>
        <p className="ht-hero-subtitle">{t('portal.hero.subtitle')}</p>
        <div className="ht-hero-search">
          <Space.Compact style={{ width: '100%' }} size="large">
            <Input
              size="large"
              allowClear
              value={q}
              onChange={(e) => setQ(e.target.value)}
              onPressEnter={search}
              placeholder={t('portal.search.placeholder')}
              prefix={<SearchOutlined style={{ color: '#8c94a3' }} />}
              data-testid="portal-search-input"
              aria-label={t('portal.search.placeholder')}
            />
            <Button
              type="primary"
              size="large"
              onClick={search}
              data-testid="portal-search-button"
              className="ht-hero-search-btn"
            >
              {t('portal.search.button')}
            </Button>
          </Space.Compact>
        </div>
        <div className="ht-hero-topics">
          <span className="ht-hero-topics-label">{t('portal.hero.topics')}</span>
          {HOT_TOPICS.map((topic) => (
            <Tag
              key={topic.domain}
              className="ht-hero-topic"
              role="link"
              tabIndex={0}
              onClick={() => void navigate(`/catalog?domain=${encodeURIComponent(topic.domain)}`)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void navigate(`/catalog?domain=${encodeURIComponent(topic.domain)}`);
              }}
              data-testid={`portal-topic-${topic.domain}`}
            >
              {t(topic.label)}
            </Tag>
          ))}
        </div>
      </div>
    </section>
  );
}
