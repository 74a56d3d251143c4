// Expiry arithmetic. `npm test` runs with TZ=Europe/Berlin so local-time and DST cases are deterministic.
import { describe, expect, it } from 'vitest';
import {
  DAY_MS, HOUR_MS, formatCountdown, isExpired, parseLocalDateTime, parsePositiveInt, resolveExpiry,
  toLocalDateTimeValue, type ExpiryChoice,
} from './expiry';

const now = new Date('2026-11-24T10:00:00.000Z');
const choice = (c: Partial<ExpiryChoice>): ExpiryChoice => ({ mode: 'days', days: '', hours: '', custom: '', ...c });

describe('parsePositiveInt', () => {
  it.each([['8', 8], [' 12 ', 12], ['0744', 744]])('accepts %j', (s, n) => expect(parsePositiveInt(s)).toBe(n));
  it.each(['', '0', '-1', '1.5', '1e3', 'abc', '8h', '99999999999999999999'])('refuses %j', (s) =>
    expect(parsePositiveInt(s)).toBeNull());
});

describe('resolveExpiry: days and hours count from now', () => {
  it('days are exact 24 h periods and become {days}', () => {
    const r = resolveExpiry(choice({ mode: 'days', days: '3' }), now);
    expect(r).toEqual({ ok: true, expiresAt: new Date(now.getTime() + 3 * DAY_MS), payload: { days: 3 } });
  });
  it('hours become {hours}', () => {
    const r = resolveExpiry(choice({ mode: 'hours', hours: '8' }), now);
    expect(r).toEqual({ ok: true, expiresAt: new Date('2026-11-24T18:00:00.000Z'), payload: { hours: 8 } });
  });
  it('31 days and 744 hours are the inclusive maximum', () => {
    expect(resolveExpiry(choice({ mode: 'days', days: '31' }), now).ok).toBe(true);
    expect(resolveExpiry(choice({ mode: 'hours', hours: '744' }), now).ok).toBe(true);
  });
  it('refuses 32 days and 745 hours before submitting', () => {
    expect(resolveExpiry(choice({ mode: 'days', days: '32' }), now)).toEqual({ ok: false, error: 'At most 31 days from now.' });
    const r = resolveExpiry(choice({ mode: 'hours', hours: '745' }), now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/744 hours/);
  });
  it('refuses zero, negative and fractional counts', () => {
    for (const days of ['0', '-2', '1.5', '']) expect(resolveExpiry(choice({ mode: 'days', days }), now).ok).toBe(false);
    expect(resolveExpiry(choice({ mode: 'hours', hours: '0' }), now).ok).toBe(false);
  });
  it('only the chosen mode is read', () => {
    const r = resolveExpiry({ mode: 'hours', days: 'junk', hours: '2', custom: 'junk' }, now);
    expect(r.ok && r.payload).toEqual({ hours: 2 });
  });
  it('honours a lower configured maximum', () => {
    expect(resolveExpiry(choice({ mode: 'days', days: '8' }), now, 7 * DAY_MS).ok).toBe(false);
    expect(resolveExpiry(choice({ mode: 'days', days: '7' }), now, 7 * DAY_MS).ok).toBe(true);
  });
});

describe('resolveExpiry: custom local time', () => {
  it('is interpreted in the local zone and sent as RFC 3339 UTC with milliseconds', () => {
    // Berlin is UTC+1 in November.
    const r = resolveExpiry(choice({ mode: 'custom', custom: '2026-11-25T09:30' }), now);
    expect(r).toEqual({
      ok: true,
      expiresAt: new Date('2026-11-25T08:30:00.000Z'),
      payload: { at: '2026-11-25T08:30:00.000Z' },
    });
  });
  it('must be strictly in the future', () => {
    // 11:00 Berlin == 10:00Z == now: the window would be empty.
    expect(resolveExpiry(choice({ mode: 'custom', custom: '2026-11-24T11:00' }), now))
      .toEqual({ ok: false, error: 'Must be in the future.' });
    expect(resolveExpiry(choice({ mode: 'custom', custom: '2026-11-24T11:01' }), now).ok).toBe(true);
    expect(resolveExpiry(choice({ mode: 'custom', custom: '2025-01-01T00:00' }), now).ok).toBe(false);
  });
  it('at most 31 days ahead, to the millisecond', () => {
    const limit = new Date(now.getTime() + 31 * DAY_MS); // 2026-12-25T10:00Z == 11:00 Berlin
    expect(toLocalDateTimeValue(limit)).toBe('2026-12-25T11:00');
    expect(resolveExpiry(choice({ mode: 'custom', custom: '2026-12-25T11:00' }), now).ok).toBe(true);
    expect(resolveExpiry(choice({ mode: 'custom', custom: '2026-12-25T11:01' }), now))
      .toEqual({ ok: false, error: 'At most 31 days from now.' });
  });
  it('refuses empty and malformed values', () => {
    expect(resolveExpiry(choice({ mode: 'custom', custom: '' }), now)).toEqual({ ok: false, error: 'Pick a date and time.' });
    expect(resolveExpiry(choice({ mode: 'custom', custom: 'tomorrow' }), now))
      .toEqual({ ok: false, error: 'Not a valid date and time.' });
  });
});

describe('parseLocalDateTime', () => {
  it('round-trips datetime-local values', () => {
    expect(toLocalDateTimeValue(parseLocalDateTime('2026-03-01T07:05')!)).toBe('2026-03-01T07:05');
    expect(parseLocalDateTime('2026-03-01T07:05:30')!.getSeconds()).toBe(30);
  });
  it('refuses impossible dates', () => {
    expect(parseLocalDateTime('2026-02-31T10:00')).toBeNull();
    expect(parseLocalDateTime('2026-13-01T10:00')).toBeNull();
    expect(parseLocalDateTime('2026-11-24T25:00')).toBeNull();
  });
  it('refuses a wall-clock time skipped by the spring DST change', () => {
    // Berlin jumps from 02:00 to 03:00 on 2026-03-29.
    expect(parseLocalDateTime('2026-03-29T02:30')).toBeNull();
    expect(parseLocalDateTime('2026-03-29T03:30')!.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
  it('days across a DST change are still exact 24 h periods, as the server counts them', () => {
    const before = new Date('2026-03-28T12:00:00.000Z');
    const r = resolveExpiry(choice({ mode: 'days', days: '2' }), before);
    expect(r.ok && r.expiresAt.getTime() - before.getTime()).toBe(48 * HOUR_MS);
  });
});

describe('formatCountdown and isExpired', () => {
  const at = (ms: number) => new Date(now.getTime() + ms);
  it('shows hours and minutes', () => expect(formatCountdown(at(3 * HOUR_MS + 12 * 60_000), now)).toBe('in 3 h 12 min'));
  it('shows days and hours', () => expect(formatCountdown(at(2 * DAY_MS + 5 * HOUR_MS + 59_000), now)).toBe('in 2 d 5 h'));
  it('shows minutes and seconds', () => expect(formatCountdown(at(4 * 60_000 + 10_000), now)).toBe('in 4 min 10 s'));
  it('rounds the last second up, never "in 0 s"', () => expect(formatCountdown(at(1), now)).toBe('in 1 s'));
  it('is "expired" at and after the instant', () => {
    expect(formatCountdown(at(0), now)).toBe('expired');
    expect(formatCountdown(at(-5000), now)).toBe('expired');
  });
  it('isExpired is half-open: expired exactly at expiresAt', () => {
    expect(isExpired(at(1), now)).toBe(false);
    expect(isExpired(now.toISOString(), now)).toBe(true);
  });
});
