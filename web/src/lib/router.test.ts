import { describe, expect, it } from 'vitest';
import { matchPath } from './router';
import { apiUrl } from './api';

describe('matchPath', () => {
  it('matches literal segments and captures parameters', () => {
    expect(matchPath('/settings/iam/temp-access', '/settings/iam/temp-access')).toEqual({});
    expect(matchPath('/settings/iam/temp-access/:id', '/settings/iam/temp-access/ab%20c')).toEqual({ id: 'ab c' });
  });
  it('tolerates a trailing slash but not extra or missing segments', () => {
    expect(matchPath('/my-access', '/my-access/')).toEqual({});
    expect(matchPath('/settings/iam/temp-access/:id', '/settings/iam/temp-access')).toBeNull();
    expect(matchPath('/my-access', '/my-access/x')).toBeNull();
  });
});

describe('apiUrl', () => {
  it('prefixes /api/v1 and leaves out empty query values', () => {
    expect(apiUrl('/jit-access', { status: 'active', offset: 0, limit: 20, userId: '' })).toBe(
      '/api/v1/jit-access?status=active&offset=0&limit=20');
    expect(apiUrl('/users', { search: 'a b&c' })).toBe('/api/v1/users?search=a+b%26c');
    expect(apiUrl('/me')).toBe('/api/v1/me');
  });
});
