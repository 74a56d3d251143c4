import { describe, expect, it } from 'vitest';
import { activeAt, choiceLike, endedAt, mergeNewestFirst } from './grants';
import type { Grant } from './types';

const g = (id: string, over: Partial<Grant> = {}): Grant => ({
  id, name: id, role: 'STANDARD', agentPoolIds: ['p'], userIds: ['u'], reason: '', status: 'ACTIVE',
  createdAt: '2026-11-24T10:00:00.000Z', createdBy: 'admin', expiresAt: '2026-11-24T12:00:00.000Z',
  revokedAt: null, revokedBy: null, ...over,
});

describe('activeAt', () => {
  it('drops grants at their exact expiry instant and non-active ones', () => {
    const list = [g('a'), g('b', { expiresAt: '2026-11-24T11:00:00.000Z' }), g('c', { status: 'REVOKED' })];
    expect(activeAt(list, new Date('2026-11-24T10:59:59.999Z')).map((x) => x.id)).toEqual(['a', 'b']);
    expect(activeAt(list, new Date('2026-11-24T11:00:00.000Z')).map((x) => x.id)).toEqual(['a']);
  });
});

describe('mergeNewestFirst', () => {
  const at = (h: number) => `2026-11-24T${String(h).padStart(2, '0')}:00:00.000Z`;
  const expired = [g('e9', { createdAt: at(9) }), g('e5', { createdAt: at(5) }), g('e1', { createdAt: at(1) })];
  const revoked = [g('r8', { createdAt: at(8) }), g('r6', { createdAt: at(6) })];
  it('interleaves by creation time, newest first', () => {
    expect(mergeNewestFirst(expired, revoked, 0, 10).map((x) => x.id)).toEqual(['e9', 'r8', 'r6', 'e5', 'e1']);
  });
  it('returns the requested page only', () => {
    expect(mergeNewestFirst(expired, revoked, 2, 2).map((x) => x.id)).toEqual(['r6', 'e5']);
    expect(mergeNewestFirst(expired, revoked, 4, 2).map((x) => x.id)).toEqual(['e1']);
    expect(mergeNewestFirst([], [], 0, 2)).toEqual([]);
  });
});

describe('endedAt and choiceLike', () => {
  it('a revoked grant ended when revoked, an expired one at expiry', () => {
    expect(endedAt(g('r', { status: 'REVOKED', revokedAt: '2026-11-24T10:30:00.000Z' }))).toBe('2026-11-24T10:30:00.000Z');
    expect(endedAt(g('e', { status: 'EXPIRED' }))).toBe('2026-11-24T12:00:00.000Z');
  });
  it('keeps whole days as days and rounds other lengths up to hours', () => {
    expect(choiceLike({ createdAt: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-27T10:00:00.000Z' }))
      .toMatchObject({ mode: 'days', days: '3' });
    expect(choiceLike({ createdAt: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-24T12:00:00.123Z' }))
      .toMatchObject({ mode: 'hours', hours: '3' });
  });
  it('caps at 31 days and never offers less than an hour', () => {
    expect(choiceLike({ createdAt: '2026-11-24T10:00:00.000Z', expiresAt: '2027-01-30T10:00:00.000Z' }))
      .toMatchObject({ mode: 'days', days: '31' });
    expect(choiceLike({ createdAt: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-24T10:00:05.000Z' }))
      .toMatchObject({ mode: 'hours', hours: '1' });
  });
});
