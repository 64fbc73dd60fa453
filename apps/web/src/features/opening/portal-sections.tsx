import {
  ApiOutlined,
  AppstoreOutlined,
  BulbOutlined,
  DatabaseOutlined,
  EditOutlined,
  FileSearchOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  UnlockOutlined,
} from '@ant-design/icons';
import { Button, Card, Col, Row } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import type { MessageKey } from '../../i18n/zh-CN';

type Service = {
  key: string;
  icon: ReactNode;
  title: MessageKey;
  text: MessageKey;
  article: MessageKey;
  /** Where the service lives, once it is there. */
  to?: string;
};

const SERVICES: readonly Service[] = [
  {
    key: 'catalog',
    icon: <DatabaseOutlined />,
    title: 'portal.service.catalog.title',
    text: 'portal.service.catalog.text',
    article: 'portal.service.catalog.article',
    to: '/catalog',
  },
  {
    key: 'api',
    icon: <ApiOutlined />,
    title: 'portal.service.api.title',
    text: 'portal.service.api.text',
    article: 'portal.service.api.article',
  },
  {
    key: 'apply',
    icon: <FileSearchOutlined />,
    title: 'portal.service.apply.title',
    text: 'portal.service.apply.text',
    article: 'portal.service.apply.article',
  },
  {
    key: 'requests',
    icon: <BulbOutlined />,
    title: 'portal.service.requests.title',
    text: 'portal.service.requests.text',
    article: 'portal.service.requests.article',
  },
  {
    key: 'corrections',
    icon: <EditOutlined />,
    title: 'portal.service.corrections.title',
    text: 'portal.service.corrections.text',
    article: 'portal.service.corrections.article',
  },
  {
    key: 'showcase',
    icon: <AppstoreOutlined />,
    title: 'portal.service.showcase.title',
    text: 'portal.service.showcase.text',
    article: 'portal.service.showcase.article',
  },
];

type OpenType = { key: string; icon: ReactNode; title: MessageKey; text: MessageKey; tone: string };

const OPEN_TYPES: readonly OpenType[] = [
  {
    key: 'open',
    icon: <UnlockOutlined />,
    title: 'portal.openType.open.title',
    text: 'portal.openType.open.text',
    tone: 'green',
  },
  {
    key: 'on_application',
    icon: <SafetyCertificateOutlined />,
    title: 'portal.openType.onApplication.title',
    text: 'portal.openType.onApplication.text',
    tone: 'blue',
  },
  {
    key: 'closed',
    icon: <LockOutlined />,
    title: 'portal.openType.closed.title',
    text: 'portal.openType.closed.text',
    tone: 'grey',
  },
];

export function PortalServices() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <section className="ht-section" data-testid="portal-services">
      <div className="ht-container">
        <h2 className="ht-section-title">{t('portal.services.title')}</h2>
        <p className="ht-section-lead">{t('portal.services.lead')}</p>
        <Row gutter={[20, 20]}>
          {SERVICES.map((s) => (
            <Col xs={24} sm={12} lg={8} key={s.key}>
              <Card
                className="ht-service-card"
                hoverable={!!s.to}
                onClick={s.to ? () => void navigate(s.to ?? '/') : undefined}
                data-testid={`portal-service-${s.key}`}
              >
                <div className="ht-service-icon">{s.icon}</div>
                <div className="ht-service-title">
                  {t(s.title)}
                  {s.to ? null : <span className="ht-soon-badge">{t('comingSoon.badge')}</span>}
                </div>
                <p className="ht-service-text">{t(s.text)}</p>
                <div className="ht-service-article">{t(s.article)}</div>
              </Card>
            </Col>
          ))}
        </Row>
      </div>
    </section>
  );
}

export function PortalOpenTypes() {
  const { t } = useI18n();
  return (
    <section className="ht-section ht-section-alt" data-testid="portal-open-types">
      <div className="ht-container">
        <h2 className="ht-section-title">{t('portal.openTypes.title')}</h2>
        <p className="ht-section-lead">{t('portal.openTypes.lead')}</p>
        <Row gutter={[20, 20]}>
          {OPEN_TYPES.map((o) => (
            <Col xs={24} md={8} key={o.key}>
              <div className={`ht-open-type ht-tone-${o.tone}`}>
                <div className="ht-open-type-icon">{o.icon}</div>
                <div className="ht-open-type-title">{t(o.title)}</div>
                <p>{t(o.text)}</p>
              </div>
            </Col>
          ))}
        </Row>
      </div>
    </section>
  );
}

export function PortalForDepartments() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <section className="ht-section" data-testid="portal-departments">
      <div className="ht-container">
        <div className="ht-cta">
          <div>
            <h2 className="ht-cta-title">{t('portal.departments.title')}</h2>
            <p className="ht-cta-text">{t('portal.departments.text')}</p>
          </div>
          <Button
            type="primary"
            size="large"
            data-testid="portal-workspace-cta"
            onClick={() => void navigate('/workspace')}
          >
            {t('portal.workspaceLink')}
          </Button>
        </div>
      </div>
    </section>
  );
}
