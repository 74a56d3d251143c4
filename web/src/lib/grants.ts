// Helpers for lists of temp access (JIT grants): live filtering of the active list, the merged
// history of expired and revoked grants, and the Expiration choice that recreates a grant.
import { DAY_MS, HOUR_MS, MAX_EXPIRY_MS, type ExpiryChoice } from './expiry';
import type { Grant } from './types';

/** Grants still active at `now` (expiry is evaluated here too, so rows leave without a reload). */
export function activeAt(grants: ReadonlyArray<Grant>, now: Date): Grant[] {
  return grants.filter((g) => g.status === 'ACTIVE' && new Date(g.expiresAt).getTime() > now.getTime());
}

/**
 * Merges two newest-first lists (expired and revoked, each fetched from offset 0 with at least
 * offset+limit items) into one newest-first page [offset, offset+limit). Ties keep `a` first.
 */
export function mergeNewestFirst(a: ReadonlyArray<Grant>, b: ReadonlyArray<Grant>, offset: number, limit: number): Grant[] {
  const out: Grant[] = [];
  let i = 0;
  let j = 0;
  while (out.length < offset + limit && (i < a.length || j < b.length)) {
    const takeA = j >= b.length || (i < a.length && a[i].createdAt >= b[j].createdAt);
    out.push(takeA ? a[i++] : b[j++]);
  }
  return out.slice(offset);
}

/** When a grant ended: the revocation time, or its expiry. */
export function endedAt(g: Grant): string {
  return g.status === 'REVOKED' && g.revokedAt ? g.revokedAt : g.expiresAt;
}

/**
 * An Expiration choice with the same length as `g` had (whole days when it was whole days, else
 * hours rounded up), capped at the maximum, so "Recreate" gives back a comparable window.
 */
export function choiceLike(g: Pick<Grant, 'createdAt' | 'expiresAt'>, maxMs = MAX_EXPIRY_MS): ExpiryChoice {
  const ms = Math.min(Math.max(new Date(g.expiresAt).getTime() - new Date(g.createdAt).getTime(), HOUR_MS), maxMs);
  if (ms % DAY_MS === 0) return { mode: 'days', days: String(ms / DAY_MS), hours: '8', custom: '' };
  return { mode: 'hours', days: '1', hours: String(Math.ceil(ms / HOUR_MS)), custom: '' };
}
