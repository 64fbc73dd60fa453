import { ApartmentOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Row, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../../app/i18n';
import { visibleGroups } from '../../app/workspace-nav';
import { RoleTags } from '../org/role-tags';
import { useAuth } from './auth-context';

/** The workspace home: who you are, for which organisation, with which roles, and where to go. */
export function WelcomeCard() {
  const { t } = useI18n();
  const { account } = useAuth();
  const navigate = useNavigate();
  if (!account) return null;
  const hour = new Date().getHours();
  const greeting =
    hour < 12
      ? t('home.greeting.morning')
      : hour < 18
        ? t('home.greeting.afternoon')
        : t('home.greeting.evening');
  const ready = visibleGroups(account).flatMap((g) => g.items.filter((i) => i.ready));

  return (
    <div data-testid="welcome">
      <Card className="ht-welcome">
        <div className="ht-welcome-inner">
          <div>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="welcome-title">
              {t('home.welcome.title', { greeting, name: account.displayName })}
            </Typography.Title>
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
              {t('home.welcome.text')}
            </Typography.Paragraph>
          </div>
        </div>
        <Descriptions
          className="ht-welcome-facts"
          column={{ xs: 1, md: 3 }}
          items={[
            {
              key: 'org',
              label: (
                <span>
                  <ApartmentOutlined /> {t('topbar.organisation')}
                </span>
              ),
              children: <span data-testid="welcome-org">{account.org?.name ?? '—'}</span>,
            },
            {
              key: 'user',
              label: (
                <span>
                  <UserOutlined /> {t('auth.username')}
                </span>
              ),
              children: <span data-testid="welcome-username">{account.username}</span>,
            },
            {
              key: 'roles',
              label: (
                <span>
                  <SafetyCertificateOutlined /> {t('account.roles')}
                </span>
              ),
              children:
                account.roles.length > 0 ? (
                  <RoleTags roles={account.roles} testId="welcome-roles" />
                ) : (
                  <span>{t('home.noRoles')}</span>
                ),
            },
          ]}
        />
      </Card>
      <Typography.Title level={5} style={{ margin: '24px 0 12px' }}>
        {t('home.shortcuts')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {ready.map((item) => (
          <Col xs={12} md={8} xl={6} key={item.key}>
            <Card
              hoverable
              className="ht-shortcut"
              onClick={() => void navigate(item.path)}
              data-testid={`shortcut-${item.key}`}
            >
              <span className="ht-shortcut-icon">{item.icon}</span>
              <span>{t(item.label)}</span>
            </Card>
          </Col>
        ))}
      </Row>
      <Card className="ht-card" style={{ marginTop: 24 }} title={t('home.roadmap.title')}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('home.roadmap.text')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
