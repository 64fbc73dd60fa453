import { describe, expect, it } from 'vitest';
import { beijingDay } from './beijing-time.ts';

describe('beijingDay', () => {
  it('gives the calendar day in Beijing (UTC+8), which starts at 16:00 UTC the day before', () => {
    expect(beijingDay(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(beijingDay(new Date('2026-11-27T16:00:00Z'))).toBe('2026-11-28');
    expect(beijingDay(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });
});
