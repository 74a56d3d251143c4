// The Create temp access form: its state, client-side validation (the same rules as the server's, so a
// bad request is refused before it is sent) and the mapping of server error details to form fields.
import { type ExpirationPayload, type ExpiryChoice, resolveExpiry, MAX_EXPIRY_MS } from './expiry';

export type GrantRole = 'STANDARD' | 'PRIVILEGED';

/** Server defaults from API.md; the server stays the authority and may be configured lower. */
export const GRANT_LIMITS = {
  nameMax: 200,
  poolsMax: 20,
  usersMax: 50,
  reasonMax: 1000,
  expiryMaxMs: MAX_EXPIRY_MS,
} as const;

export interface GrantFormState {
  name: string;
  role: GrantRole | '';
  agentPoolIds: string[];
  userIds: string[];
  expiry: ExpiryChoice;
  reason: string;
}

/** The form's fields, each of which can carry an error shown next to it. */
export type GrantField = 'name' | 'role' | 'agentPoolIds' | 'userIds' | 'expiration' | 'reason';
export type FieldErrors = Partial<Record<GrantField, string>>;

export interface GrantRequest {
  name: string;
  role: GrantRole;
  agentPoolIds: string[];
  userIds: string[];
  expiration: ExpirationPayload;
  reason: string;
}

export function emptyGrantForm(): GrantFormState {
  return {
    name: '',
    role: '',
    agentPoolIds: [],
    userIds: [],
    expiry: { mode: 'hours', days: '1', hours: '8', custom: '' },
    reason: '',
  };
}

/** Counts characters the way the server does (Unicode code points, not UTF-16 units). */
function charCount(s: string): number {
  return [...s].length;
}

/**
 * Validates the form at `now`. Returns the request body when every rule holds, else one message per
 * violated field (all of them at once, so the user can fix everything in one pass).
 */
export function validateGrantForm(
  form: GrantFormState,
  now: Date,
  limits: typeof GRANT_LIMITS = GRANT_LIMITS,
): { ok: true; request: GrantRequest; expiresAt: Date } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Enter a name.';
  else if (charCount(name) > limits.nameMax) errors.name = `At most ${limits.nameMax} characters.`;

  if (form.role !== 'STANDARD' && form.role !== 'PRIVILEGED') errors.role = 'Choose a role.';

  const pools = [...new Set(form.agentPoolIds)];
  if (pools.length === 0) errors.agentPoolIds = 'Choose at least one agent pool.';
  else if (pools.length > limits.poolsMax) errors.agentPoolIds = `At most ${limits.poolsMax} agent pools.`;

  const users = [...new Set(form.userIds)];
  if (users.length === 0) errors.userIds = 'Add at least one user.';
  else if (users.length > limits.usersMax) errors.userIds = `At most ${limits.usersMax} users.`;

  const expiry = resolveExpiry(form.expiry, now, limits.expiryMaxMs);
  if (!expiry.ok) errors.expiration = expiry.error;

  if (charCount(form.reason) > limits.reasonMax) errors.reason = `At most ${limits.reasonMax} characters.`;

  if (Object.keys(errors).length > 0 || !expiry.ok) return { ok: false, errors };
  return {
    ok: true,
    expiresAt: expiry.expiresAt,
    request: {
      name,
      role: form.role as GrantRole,
      agentPoolIds: pools,
      userIds: users,
      expiration: expiry.payload,
      reason: form.reason,
    },
  };
}

/**
 * Which form field a server `details[].field` concerns. The server names body fields ("agentPoolIds",
 * "expiration.at", "userIds[3]"); anything unrecognised returns null and is shown at the form's top.
 */
export function fieldForServerDetail(field: string | undefined | null): GrantField | null {
  if (!field) return null;
  const f = field.toLowerCase();
  if (f.startsWith('name')) return 'name';
  if (f.startsWith('role')) return 'role';
  if (f.startsWith('agentpool') || f.startsWith('pool')) return 'agentPoolIds';
  if (f.startsWith('user')) return 'userIds';
  if (f.startsWith('expir') || f === 'at' || f === 'days' || f === 'hours') return 'expiration';
  if (f.startsWith('reason')) return 'reason';
  return null;
}

/** Splits server error details into per-field messages and the rest (joined per field). */
export function mapServerDetails(
  details: ReadonlyArray<{ field?: string | null; message: string }>,
): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const d of details) {
    const f = fieldForServerDetail(d.field);
    if (f === null) other.push(d.field ? `${d.field}: ${d.message}` : d.message);
    else fields[f] = fields[f] ? `${fields[f]} ${d.message}` : d.message;
  }
  return { fields, other };
}
