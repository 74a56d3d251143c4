// Create temp access form validation and server-error mapping.
import { describe, expect, it } from 'vitest';
import { emptyGrantForm, fieldForServerDetail, mapServerDetails, validateGrantForm, type GrantFormState } from './grantForm';

const now = new Date('2026-11-24T10:00:00.000Z');
const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}-${i}`);
const valid = (over: Partial<GrantFormState> = {}): GrantFormState => ({
  ...emptyGrantForm(),
  name: 'oncall-alice-fri',
  role: 'STANDARD',
  agentPoolIds: ['pool-1'],
  userIds: ['user-1'],
  expiry: { mode: 'hours', days: '', hours: '8', custom: '' },
  reason: 'INC-1234',
  ...over,
});

describe('validateGrantForm', () => {
  it('builds the exact API request from a valid form', () => {
    const r = validateGrantForm(valid({ name: '  oncall  ' }), now);
    expect(r).toEqual({
      ok: true,
      expiresAt: new Date('2026-11-24T18:00:00.000Z'),
      request: {
        name: 'oncall', role: 'STANDARD', agentPoolIds: ['pool-1'], userIds: ['user-1'],
        expiration: { hours: 8 }, reason: 'INC-1234',
      },
    });
  });
  it('an empty form reports every required field at once', () => {
    const r = validateGrantForm({ ...emptyGrantForm(), expiry: { mode: 'days', days: '', hours: '', custom: '' } }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['agentPoolIds', 'expiration', 'name', 'role', 'userIds']);
  });
  it('name: 200 characters allowed, 201 refused, counted in code points', () => {
    expect(validateGrantForm(valid({ name: 'x'.repeat(200) }), now).ok).toBe(true);
    expect(validateGrantForm(valid({ name: '😀'.repeat(200) }), now).ok).toBe(true);
    const r = validateGrantForm(valid({ name: 'x'.repeat(201) }), now);
    expect(!r.ok && r.errors).toEqual({ name: 'At most 200 characters.' });
  });
  it('role must be STANDARD or PRIVILEGED', () => {
    expect(validateGrantForm(valid({ role: 'PRIVILEGED' }), now).ok).toBe(true);
    const r = validateGrantForm(valid({ role: '' }), now);
    expect(!r.ok && r.errors).toEqual({ role: 'Choose a role.' });
  });
  it('at most 20 agent pools; duplicates count once', () => {
    expect(validateGrantForm(valid({ agentPoolIds: ids(20, 'p') }), now).ok).toBe(true);
    const r = validateGrantForm(valid({ agentPoolIds: ids(21, 'p') }), now);
    expect(!r.ok && r.errors).toEqual({ agentPoolIds: 'At most 20 agent pools.' });
    const dup = validateGrantForm(valid({ agentPoolIds: [...ids(20, 'p'), 'p-0'] }), now);
    expect(dup.ok && dup.request.agentPoolIds.length).toBe(20);
  });
  it('1 to 50 users', () => {
    expect(validateGrantForm(valid({ userIds: ids(50, 'u') }), now).ok).toBe(true);
    const r = validateGrantForm(valid({ userIds: ids(51, 'u') }), now);
    expect(!r.ok && r.errors).toEqual({ userIds: 'At most 50 users.' });
    const none = validateGrantForm(valid({ userIds: [] }), now);
    expect(!none.ok && none.errors).toEqual({ userIds: 'Add at least one user.' });
  });
  it('reason at most 1000 characters, optional', () => {
    expect(validateGrantForm(valid({ reason: '' }), now).ok).toBe(true);
    expect(validateGrantForm(valid({ reason: 'r'.repeat(1000) }), now).ok).toBe(true);
    expect(validateGrantForm(valid({ reason: 'r'.repeat(1001) }), now).ok).toBe(false);
  });
  it('an expiry over 31 days is refused before submitting', () => {
    const r = validateGrantForm(valid({ expiry: { mode: 'days', days: '32', hours: '', custom: '' } }), now);
    expect(!r.ok && r.errors).toEqual({ expiration: 'At most 31 days from now.' });
  });
  it('a custom time in the past is refused', () => {
    const r = validateGrantForm(valid({ expiry: { mode: 'custom', days: '', hours: '', custom: '2026-11-24T10:59' } }), now);
    expect(!r.ok && r.errors).toEqual({ expiration: 'Must be in the future.' });
  });
});

describe('server error details map to form fields', () => {
  it.each([
    ['name', 'name'], ['role', 'role'], ['agentPoolIds', 'agentPoolIds'], ['agentPoolIds[3]', 'agentPoolIds'],
    ['userIds', 'userIds'], ['userIds[0]', 'userIds'], ['expiration', 'expiration'], ['expiration.at', 'expiration'],
    ['expiresAt', 'expiration'], ['reason', 'reason'],
  ])('%s -> %s', (server, field) => expect(fieldForServerDetail(server)).toBe(field));
  it('unknown or missing fields are not attached to a field', () => {
    expect(fieldForServerDetail('body')).toBeNull();
    expect(fieldForServerDetail(undefined)).toBeNull();
  });
  it('joins several messages for one field and keeps the rest', () => {
    const r = mapServerDetails([
      { field: 'agentPoolIds', message: 'at most 20 agent pools' },
      { field: 'agentPoolIds[2]', message: 'unknown agent pool' },
      { field: 'body', message: 'odd' },
      { message: 'general' },
    ]);
    expect(r).toEqual({
      fields: { agentPoolIds: 'at most 20 agent pools unknown agent pool' },
      other: ['body: odd', 'general'],
    });
  });
});
