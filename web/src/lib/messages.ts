// Messages for the server's refusals, worded to say what happened and what to do. Pure functions
// of the ApiError, so they are unit-tested without a browser.
import { ApiError, errorMessage } from './api';
import { type FieldErrors, mapServerDetails } from './grantForm';

/** The message for a failed sign-in: wrong credentials, or rate limited with the wait from Retry-After. */
export function loginErrorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return 'Wrong email or password.';
    if (e.status === 429) return `Too many attempts, try again in ${e.retryAfter ?? 60} s.`;
  }
  return errorMessage(e);
}

/** Turns a failed grant create into per-field errors and one message for the top of the form. */
export function describeCreateError(err: unknown): { fields: FieldErrors; message: string } {
  if (err instanceof ApiError) {
    if (err.code === 'CONCURRENT_GRANT_LIMIT') {
      return {
        fields: {},
        message: 'The limit of active temp access instances has been reached (100 by default). ' +
          'Delete an active one, or wait until one expires, before granting more.',
      };
    }
    if (err.code === 'FORBIDDEN') return { fields: {}, message: 'You are not allowed to grant temp access (role managers only).' };
    const { fields, other } = mapServerDetails(err.details);
    const message = Object.keys(fields).length > 0
      ? `The server refused the request: ${err.message}. See the fields marked below.`
      : err.message;
    return { fields, message: [message, ...other].join(' ') };
  }
  return { fields: {}, message: errorMessage(err) };
}

/** The message for a failed agent pool delete (409: named in an active grant). */
export function poolDeleteMessage(e: unknown): string {
  if (e instanceof ApiError && e.status === 409) {
    return 'This agent pool is named in an active temp access instance, so it cannot be deleted now. ' +
      'Delete that temp access (Temp Access tab) or wait until it expires, then try again.';
  }
  return errorMessage(e);
}

export type UserChange = 'demote' | 'disable' | 'delete';

/** Why a change to the user `email` was refused; `self` when the caller changed themselves. */
export function userChangeMessage(e: unknown, email: string, self: boolean, change: UserChange): string {
  if (e instanceof ApiError && e.status === 409) {
    if (self) {
      const what = { demote: 'remove your own role manager permission', disable: 'disable yourself', delete: 'delete yourself' }[change];
      return `You are the last enabled role manager, so you cannot ${what}: nobody could manage access any more. ` +
        'Make another user a role manager first.';
    }
    if (change === 'delete') return `${email} is named in an active temp access instance and cannot be deleted until it ends or is deleted.`;
    return e.message;
  }
  return errorMessage(e);
}
