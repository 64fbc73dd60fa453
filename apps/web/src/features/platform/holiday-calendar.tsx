import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Calendar, Card, Descriptions, Space, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../../app/i18n';
import { useAsync } from '../../components/hooks/use-async';
import { LoadError } from '../../components/load-error';
import type { DayInfo } from '@huitong/contract/platform';
import { calendarApi } from './calendar-api';

export type DayStatus = 'holiday' | 'makeup' | 'weekend' | 'workday';

export function dayStatus(d: DayInfo): DayStatus {
  if (d.workday) return d.makeUp ? 'makeup' : 'workday';
  const weekday = dayjs(d.date).day();
  const weekend = weekday === 0 || weekday === 6;
  // A day off with a name is a holiday (also when it falls on a weekend); an unnamed one a weekend.
  return d.name || !weekend ? 'holiday' : 'weekend';
}

const FORMAT = 'YYYY-MM-DD';

type Props = {
  /** Rendered under the selected day's details (e.g. the administrator's "adjust" button). */
  dayActions?: (day: DayInfo | undefined, date: Dayjs) => ReactNode;
  /** Bumped by the parent after an override changes, to re-fetch. */
  version?: number;
};

/** A month calendar coloured by the working-day status of each day. */
export function HolidayCalendar({ dayActions, version = 0 }: Props) {
  const { t, pick } = useI18n();
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf('month'));
  const [selected, setSelected] = useState<Dayjs>(() => dayjs());

  const from = month.startOf('month').subtract(7, 'day').format(FORMAT);
  const to = month.endOf('month').add(14, 'day').format(FORMAT);
  const days = useAsync((signal) => calendarApi.days(from, to, signal), [from, to, version]);

  const byDate = useMemo(() => new Map((days.data?.items ?? []).map((d) => [d.date, d])), [days.data]);
  const selectedInfo = byDate.get(selected.format(FORMAT));

  const statusLabel = (s: DayStatus) => t(`calendar.status.${s}`);

  return (
    <Card className="ht-calendar-card" data-testid="holiday-calendar">
      {(days.data?.warnings ?? []).map((w) => (
        <div key={w.year} data-testid="calendar-warning" data-year={w.year}>
          <Alert
            type="warning"
            showIcon
            title={t('calendar.warning.title', { year: w.year })}
            description={pick(w)}
            style={{ marginBottom: 12 }}
          />
        </div>
      ))}
      {days.error ? <LoadError error={days.error} onRetry={days.reload} /> : null}
      <div className="ht-calendar-legend">
        <Space size="large" wrap>
          <span>
            <span className="ht-legend-swatch is-holiday">{t('calendar.badge.off')}</span>{' '}
            {statusLabel('holiday')}
          </span>
          <span>
            <span className="ht-legend-swatch is-makeup">{t('calendar.badge.work')}</span>{' '}
            {statusLabel('makeup')}
          </span>
          <span>
            <span className="ht-legend-swatch is-weekend" /> {statusLabel('weekend')}
          </span>
          <span>
            <span className="ht-legend-swatch is-workday" /> {statusLabel('workday')}
          </span>
        </Space>
      </div>
      <Calendar
        value={selected}
        onSelect={(d) => {
          setSelected(d);
          if (!d.isSame(month, 'month')) setMonth(d.startOf('month'));
        }}
        onPanelChange={(d, mode) => {
          if (mode === 'month') setMonth(d.startOf('month'));
        }}
        headerRender={({ value, onChange }) => {
          const go = (d: Dayjs) => {
            onChange(d);
            setSelected(d);
            setMonth(d.startOf('month'));
          };
          return (
            <div className="ht-calendar-header">
              <Button
                size="small"
                icon={<LeftOutlined />}
                onClick={() => go(value.subtract(1, 'month'))}
                data-testid="calendar-prev"
                aria-label={t('calendar.prevMonth')}
              />
              <span
                className="ht-calendar-title"
                data-testid="calendar-title"
                data-month={value.format('YYYY-MM')}
              >
                {value.format(t('calendar.monthFormat'))}
              </span>
              <Button
                size="small"
                icon={<RightOutlined />}
                onClick={() => go(value.add(1, 'month'))}
                data-testid="calendar-next"
                aria-label={t('calendar.nextMonth')}
              />
              <Button size="small" onClick={() => go(dayjs())} data-testid="calendar-today">
                {t('calendar.today')}
              </Button>
            </div>
          );
        }}
        fullCellRender={(current, info) => {
          if (info.type !== 'date') return info.originNode;
          const key = current.format(FORMAT);
          const d = byDate.get(key);
          const status = d
            ? dayStatus(d)
            : current.day() === 0 || current.day() === 6
              ? 'weekend'
              : 'workday';
          const isToday = current.isSame(dayjs(), 'day');
          return (
            <div
              className={`ht-day is-${status}${isToday ? ' is-today' : ''}${d?.source === 'override' ? ' is-override' : ''}`}
              data-testid="calendar-day"
              data-date={key}
              data-status={status}
            >
              <div className="ht-day-head">
                <span className="ht-day-number">{current.date()}</span>
                {status === 'holiday' ? (
                  <span className="ht-day-badge is-off">{t('calendar.badge.off')}</span>
                ) : null}
                {status === 'makeup' ? (
                  <span className="ht-day-badge is-work">{t('calendar.badge.work')}</span>
                ) : null}
              </div>
              {d?.name && (status === 'holiday' || status === 'makeup') ? (
                <div className="ht-day-name">{d.name}</div>
              ) : null}
            </div>
          );
        }}
      />
      <div className="ht-day-detail" data-testid="calendar-selected">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, md: 4 }}
          items={[
            { key: 'date', label: t('calendar.date'), children: selected.format('YYYY-MM-DD dddd') },
            {
              key: 'status',
              label: t('calendar.dayType'),
              children: selectedInfo ? (
                <Badge
                  status={selectedInfo.workday ? 'processing' : 'error'}
                  text={`${statusLabel(dayStatus(selectedInfo))}${selectedInfo.name ? ` · ${selectedInfo.name}` : ''}`}
                />
              ) : (
                '—'
              ),
            },
            {
              key: 'source',
              label: t('calendar.source'),
              children: selectedInfo ? <Tag>{t(`calendar.source.${selectedInfo.source}`)}</Tag> : '—',
            },
            {
              key: 'covered',
              label: t('calendar.covered'),
              children: selectedInfo ? (
                selectedInfo.covered ? (
                  t('common.yes')
                ) : (
                  <Tag color="orange">{t('calendar.notCovered')}</Tag>
                )
              ) : (
                '—'
              ),
            },
          ]}
        />
        {dayActions ? <div style={{ marginTop: 8 }}>{dayActions(selectedInfo, selected)}</div> : null}
      </div>
    </Card>
  );
}
