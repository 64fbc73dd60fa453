import { Type } from 'typebox';
import { DateString, DateTime, Nullable, Prose, StringEnum, Uuid } from '../../shared/schemas.ts';

export const Health = Type.Object({
  status: StringEnum(['ok'] as const),
  version: Type.String(),
  backend: StringEnum(['pglite', 'postgres'] as const),
  migration: Type.String({ description: 'Latest applied migration' }),
  time: DateTime,
});

export const YearWarningSchema = Type.Object({ year: Type.Integer(), zh: Type.String(), en: Type.String() });
export const DayInfoSchema = Type.Object({
  date: DateString,
  workday: Type.Boolean(),
  name: Nullable(Type.String()),
  makeUp: Type.Boolean({ description: 'A weekend day worked to make up for a holiday (调休上班)' }),
  source: StringEnum(['override', 'package', 'weekday'] as const),
  covered: Type.Boolean({ description: 'The year has statutory holiday data' }),
});
export const DaysQuery = Type.Object({ from: DateString, to: DateString }, { additionalProperties: false });
export const DaysResponse = Type.Object({
  items: Type.Array(DayInfoSchema),
  warnings: Type.Array(YearWarningSchema),
});
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
  warnings: Type.Array(YearWarningSchema),
  skipped: Type.Array(DayInfoSchema, { description: 'Days off between start and deadline' }),
});
export const OverrideSchema = Type.Object({
  date: DateString,
  isWorkday: Type.Boolean(),
  name: Type.String(),
  note: Nullable(Type.String()),
  updatedAt: DateTime,
});
export const OverrideList = Type.Object({ items: Type.Array(OverrideSchema) });
export const DateParams = Type.Object({ date: DateString }, { additionalProperties: false });
export const OverrideBody = Type.Object(
  {
    isWorkday: Type.Boolean(),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    note: Type.Optional(Nullable(Prose({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export const YearParams = Type.Object(
  { year: Type.Integer({ minimum: 2000, maximum: 2100 }) },
  { additionalProperties: false },
);
export const YearBody = Type.Object(
  { note: Type.Optional(Nullable(Prose({ maxLength: 500 }))) },
  { additionalProperties: false },
);
export const YearSchema = Type.Object({
  year: Type.Integer(),
  source: StringEnum(['package', 'declared'] as const),
  note: Nullable(Type.String()),
});
export const YearList = Type.Object({ items: Type.Array(YearSchema) });

export function overrideDto(o: {
  date: string;
  is_workday: boolean;
  name: string;
  note: string | null;
  updated_at: Date;
}) {
  return {
    date: o.date,
    isWorkday: o.is_workday,
    name: o.name,
    note: o.note,
    updatedAt: o.updated_at.toISOString(),
  };
}

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  title: Type.Object({ zh: Type.String(), en: Type.String() }),
  link: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAt: DateTime,
  read: Type.Boolean(),
});
export const Inbox = Type.Object({ items: Type.Array(Notification), unread: Type.Integer() });
export const InboxQuery = Type.Object(
  { unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
  { additionalProperties: false },
);
