import { SearchOutlined } from '@ant-design/icons';
import { App, Button, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../i18n/zh-CN';

const HOT_TOPICS: readonly MessageKey[] = [
  'portal.topic.credit',
  'portal.topic.transport',
  'portal.topic.health',
  'portal.topic.employment',
  'portal.topic.socialSecurity',
  'portal.topic.education',
  'portal.topic.environment',
  'portal.topic.weather',
  'portal.topic.enterprise',
];

/** The banner with the data search box. Search arrives with the open catalog; until then it says so. */
export function PortalHero() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [q, setQ] = useState('');

  const search = () => {
    void message.info({ content: t('portal.search.comingSoon'), key: 'portal-search' });
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
          {HOT_TOPICS.map((key) => (
            <Tag
              key={key}
              className="ht-hero-topic"
              onClick={() => {
                setQ(t(key));
                search();
              }}
            >
              {t(key)}
            </Tag>
          ))}
        </div>
      </div>
    </section>
  );
}
