import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeCreateError, loginErrorMessage, poolDeleteMessage, userChangeMessage } from './messages';

describe('loginErrorMessage', () => {
  it('401 is the same answer whether or not the email exists', () =>
    expect(loginErrorMessage(new ApiError(401, 'UNAUTHORIZED', '401 Unauthorized'))).toBe('Wrong email or password.'));
  it('429 says how long to wait, from Retry-After', () =>
    expect(loginErrorMessage(new ApiError(429, 'RATE_LIMITED', 'slow down', [], 42))).toBe('Too many attempts, try again in 42 s.'));
  it('other errors keep the server message', () =>
    expect(loginErrorMessage(new ApiError(503, 'UNAVAILABLE', 'store unavailable'))).toBe('store unavailable'));
});

describe('describeCreateError', () => {
  it('the active-grant limit is a clear message, not a field error', () => {
    const r = describeCreateError(new ApiError(409, 'CONCURRENT_GRANT_LIMIT', 'limit'));
    expect(r.fields).toEqual({});
    expect(r.message).toMatch(/limit of active temp access instances has been reached/);
  });
  it('validation details land on their fields', () => {
    const r = describeCreateError(new ApiError(400, 'VALIDATION_FAILED', 'invalid', [
      { field: 'agentPoolIds', message: 'at most 20 agent pools' },
      { field: 'expiration', message: 'must be in the future' },
    ]));
    expect(r.fields).toEqual({ agentPoolIds: 'at most 20 agent pools', expiration: 'must be in the future' });
    expect(r.message).toMatch(/See the fields marked below/);
  });
});

describe('poolDeleteMessage and userChangeMessage', () => {
  const conflict = new ApiError(409, 'CONFLICT', 'conflict');
  it('explains the 409 on deleting a pool', () => expect(poolDeleteMessage(conflict)).toMatch(/active temp access instance/));
  it('explains why the last role manager cannot demote themselves', () =>
    expect(userChangeMessage(conflict, 'a@x', true, 'demote')).toMatch(/last enabled role manager.*remove your own role manager permission/));
  it('explains why a user in an active grant cannot be deleted', () =>
    expect(userChangeMessage(conflict, 'a@x', false, 'delete')).toMatch(/a@x is named in an active temp access/));
  it('other errors pass through', () =>
    expect(userChangeMessage(new ApiError(403, 'FORBIDDEN', 'no'), 'a@x', false, 'demote')).toBe('no'));
});
