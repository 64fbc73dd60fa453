import { EditOutlined } from '@ant-design/icons';
import { App, Button, Col, Row } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../app/i18n';
import { PageContainer } from '../../components/page-container';
import { isAdmin, isCityAdmin } from '../auth/auth-api';
import { useAuth } from '../auth/auth-context';
import { OverridesCard, YearsCard } from './calendar-admin';
import { DeadlineCalculator } from './deadline-calculator';
import { HolidayCalendar } from './holiday-calendar';
import { OverrideModal, type OverrideDraft } from './override-modal';

export function CalendarPanel() {
  const { t } = useI18n();
  const { account } = useAuth();
  const { message } = App.useApp();
  const canEdit = isCityAdmin(account);
  const showAdmin = isAdmin(account);
  const [version, setVersion] = useState(0);
  const [draft, setDraft] = useState<OverrideDraft | null>(null);
  const changed = () => setVersion((v) => v + 1);

  return (
    <PageContainer
      title={t('nav.admin.calendar')}
      description={t('calendar.page.description')}
      testId="calendar-page"
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <HolidayCalendar
            version={version}
            dayActions={
              canEdit
                ? (day, date) => (
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      data-testid="calendar-adjust-day"
                      onClick={() =>
                        setDraft({
                          date: date.format('YYYY-MM-DD'),
                          isWorkday: day ? (day.source === 'override' ? day.workday : !day.workday) : false,
                          name: day?.source === 'override' ? (day.name ?? '') : '',
                          note: null,
                          existing: day?.source === 'override',
                        })
                      }
                    >
                      {t('calendar.override.adjustDay')}
                    </Button>
                  )
                : undefined
            }
          />
        </Col>
        <Col xs={24} xl={8}>
          <DeadlineCalculator />
        </Col>
        {showAdmin ? (
          <>
            <Col xs={24} xl={14}>
              <OverridesCard canEdit={canEdit} version={version} onEdit={setDraft} onChanged={changed} />
            </Col>
            <Col xs={24} xl={10}>
              <YearsCard canEdit={canEdit} version={version} onChanged={changed} />
            </Col>
          </>
        ) : null}
      </Row>
      <OverrideModal
        draft={draft}
        onClose={() => setDraft(null)}
        onSaved={() => {
          setDraft(null);
          void message.success(t('common.saved'));
          changed();
        }}
      />
    </PageContainer>
  );
}
