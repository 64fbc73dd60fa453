/** Health, the working-day calendar and its administration, the inbox. */
import { Type, type Static } from 'typebox';
import { DateString, DateTime, LocalisedMessage, Nullable, Prose, StringEnum, Uuid } from './common.ts';
import { DAY_SOURCES, YEAR_SOURCES } from './values.ts';

export const Health = Type.Object({
  status: StringEnum(['ok'] as const),
  version: Type.String(),
  backend: StringEnum(['pglite', 'postgres'] as const),
  migration: Type.String({ description: 'Latest applied migration' }),
  time: DateTime,
});
export type Health = Static<typeof Health>;

export const YearWarning = Type.Object({ year: Type.Integer(), zh: Type.String(), en: Type.String() });
/** A year without statutory holiday data: its days are counted Monday to Friday. */
export type YearWarning = Static<typeof YearWarning>;
export const DayInfo = Type.Object({
  date: DateString,
  workday: Type.Boolean(),
  name: Nullable(Type.String()),
  makeUp: Type.Boolean({ description: 'A weekend day worked to make up for a holiday (调休上班)' }),
  source: StringEnum(DAY_SOURCES),
  covered: Type.Boolean({ description: 'The year has statutory holiday data' }),
});
export type DayInfo = Static<typeof DayInfo>;
export const DaysQuery = Type.Object({ from: DateString, to: DateString }, { additionalProperties: false });
export const DaysResponse = Type.Object({
  items: Type.Array(DayInfo),
  warnings: Type.Array(YearWarning),
});
export type DaysResponse = Static<typeof DaysResponse>;
export const DeadlineQuery = Type.Object(
  {
    start: DateString,
    days: Type.Integer({
      minimum: 1,
      maximum: 365,
      description: 'Working days, e.g. 5 (Art. 20) or 15 (Art. 26)',
    }),
  },
  { additionalProperties: false },
);
export const DeadlineResponse = Type.Object({
  start: DateString,
  days: Type.Integer(),
  deadline: DateString,
  warnings: Type.Array(YearWarning),
  skipped: Type.Array(DayInfo, { description: 'Days off between start and deadline' }),
});
export type DeadlineResponse = Static<typeof DeadlineResponse>;
export const Override = Type.Object({
  date: DateString,
  isWorkday: Type.Boolean(),
  name: Type.String(),
  note: Nullable(Type.String()),
  updatedAt: DateTime,
});
/** An administrator's change to a day of the holiday data. */
export type Override = Static<typeof Override>;
export const OverrideList = Type.Object({ items: Type.Array(Override) });
export const DateParams = Type.Object({ date: DateString }, { additionalProperties: false });
export const OverrideBody = Type.Object(
  {
    isWorkday: Type.Boolean(),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    note: Type.Optional(Nullable(Prose({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type OverrideBody = Static<typeof OverrideBody>;
export const YearParams = Type.Object(
  { year: Type.Integer({ minimum: 2000, maximum: 2100 }) },
  { additionalProperties: false },
);
export const YearBody = Type.Object(
  { note: Type.Optional(Nullable(Prose({ maxLength: 500 }))) },
  { additionalProperties: false },
);
export const CalendarYear = Type.Object({
  year: Type.Integer(),
  source: StringEnum(YEAR_SOURCES),
  note: Nullable(Type.String()),
});
/** A year with holiday data, from the package or declared by an administrator. */
export type CalendarYear = Static<typeof CalendarYear>;
export const YearList = Type.Object({ items: Type.Array(CalendarYear) });

// ---------- the inbox ----------

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  title: LocalisedMessage,
  link: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAt: DateTime,
  read: Type.Boolean(),
});
export type Notification = Static<typeof Notification>;
export const Inbox = Type.Object({ items: Type.Array(Notification), unread: Type.Integer() });
export type Inbox = Static<typeof Inbox>;
export const InboxQuery = Type.Object(
  { unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);
