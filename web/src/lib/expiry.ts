// Expiry arithmetic for temp access: turning the form's Days / Hours / Custom choice into the API's
// `expiration` object and the instant it resolves to, and formatting countdowns. Pure: `now` is passed in.

/** Server defaults (API.md): at most 31 days (744 hours) from now. */
export const MAX_EXPIRY_DAYS = 31;
export const MAX_EXPIRY_HOURS = MAX_EXPIRY_DAYS * 24;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const MAX_EXPIRY_MS = MAX_EXPIRY_DAYS * DAY_MS;

export type ExpiryMode = 'days' | 'hours' | 'custom';

/** What the Expiration control holds; numbers stay strings until validated. */
export interface ExpiryChoice {
  mode: ExpiryMode;
  days: string;
  hours: string;
  /** A datetime-local value, `YYYY-MM-DDTHH:mm` (optionally `:ss`), in the browser's time zone. */
  custom: string;
}

/** The `expiration` body of POST /jit-access: exactly one of the three keys. */
export type ExpirationPayload = { days: number } | { hours: number } | { at: string };

export type ExpiryResult =
  | { ok: true; expiresAt: Date; payload: ExpirationPayload }
  | { ok: false; error: string };

/** Parses a positive decimal integer ("8", not "8.5", "-1", "1e3" or ""); null otherwise. */
export function parsePositiveInt(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * Parses a datetime-local value as a local wall-clock time. Returns null for malformed input and for
 * wall-clock times that do not exist (e.g. 31 February, or a time skipped by a DST change).
 */
export function parseLocalDateTime(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  const date = new Date(y, mo - 1, d, h, mi, s, 0);
  const roundTrips =
    date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d &&
    date.getHours() === h && date.getMinutes() === mi;
  return roundTrips ? date : null;
}

/** Formats a Date as a datetime-local value (local time, minute precision). */
export function toLocalDateTimeValue(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** RFC 3339 UTC with milliseconds, the API's timestamp format. */
export function toRfc3339(date: Date): string {
  return date.toISOString();
}

/**
 * Resolves the Expiration choice at `now`. Days and Hours count exact 24 h / 1 h periods from now, as
 * the server does; Custom is the chosen local time. Refuses anything not strictly in the future or
 * more than `maxMs` (default 31 days) ahead, so such a request is never submitted.
 */
export function resolveExpiry(choice: ExpiryChoice, now: Date, maxMs = MAX_EXPIRY_MS): ExpiryResult {
  const maxDays = Math.floor(maxMs / DAY_MS);
  const tooFar = `At most ${maxDays} days from now.`;
  switch (choice.mode) {
    case 'days': {
      const n = parsePositiveInt(choice.days);
      if (n === null) return { ok: false, error: 'Enter a whole number of days, 1 or more.' };
      if (n * DAY_MS > maxMs) return { ok: false, error: tooFar };
      return { ok: true, expiresAt: new Date(now.getTime() + n * DAY_MS), payload: { days: n } };
    }
    case 'hours': {
      const n = parsePositiveInt(choice.hours);
      if (n === null) return { ok: false, error: 'Enter a whole number of hours, 1 or more.' };
      if (n * HOUR_MS > maxMs) return { ok: false, error: `${tooFar} (${maxMs / HOUR_MS} hours)` };
      return { ok: true, expiresAt: new Date(now.getTime() + n * HOUR_MS), payload: { hours: n } };
    }
    case 'custom': {
      if (choice.custom.trim() === '') return { ok: false, error: 'Pick a date and time.' };
      const at = parseLocalDateTime(choice.custom);
      if (at === null) return { ok: false, error: 'Not a valid date and time.' };
      if (at.getTime() <= now.getTime()) return { ok: false, error: 'Must be in the future.' };
      if (at.getTime() - now.getTime() > maxMs) return { ok: false, error: tooFar };
      return { ok: true, expiresAt: at, payload: { at: toRfc3339(at) } };
    }
  }
}

/**
 * A short countdown to `until` seen at `now`: "in 3 h 12 min", "in 2 d 5 h", "in 4 min 10 s",
 * "in 9 s"; "expired" once `now` has reached `until` (the access window is half-open).
 */
export function formatCountdown(until: Date, now: Date): string {
  const ms = until.getTime() - now.getTime();
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000); // never shows "in 0 s" while still active
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `in ${d} d ${h} h`;
  if (h > 0) return `in ${h} h ${m} min`;
  if (m > 0) return `in ${m} min ${s} s`;
  return `in ${s} s`;
}

/** True once `now` has reached `expiresAt`: access is allowed only while now < expiresAt. */
export function isExpired(expiresAt: string | Date, now: Date): boolean {
  return new Date(expiresAt).getTime() <= now.getTime();
}

/** An absolute local time for people, e.g. "24 Nov 2026, 10:00:00". */
export function formatLocal(date: Date | string): string {
  const d = typeof date === 'string' ? new Date(date) : date;
  return d.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}
