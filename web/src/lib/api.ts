// The portal's only way to the server: fetch against /api/v1 with the session cookie, adding
// X-CSRF-Token to every mutation. Errors become ApiError carrying the API's {message, code, details}.

export const API_BASE = '/api/v1';
const CSRF_KEY = 'jitgate.csrf';

export interface ErrorDetail {
  field?: string | null;
  message: string;
}

/** A non-2xx answer (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Seconds from Retry-After, when the server sent it (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The CSRF token lives in sessionStorage so a reload in the same tab keeps the session usable. */
export function setCsrfToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(CSRF_KEY);
  else sessionStorage.setItem(CSRF_KEY, token);
}
export function getCsrfToken(): string | null {
  return sessionStorage.getItem(CSRF_KEY);
}

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener = () => {};
/** Called when any request (other than login) answers 401: the session has ended. */
export function setUnauthorizedListener(fn: UnauthorizedListener): void {
  onUnauthorized = fn;
}

function parseRetryAfter(h: string | null): number | null {
  if (h === null) return null;
  const n = Number(h);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(h);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: { message?: string; code?: string; details?: ErrorDetail[] } = {};
  try {
    body = await res.json();
  } catch {
    // Not JSON (e.g. a proxy error page): fall back to the status line.
  }
  return new ApiError(
    res.status,
    body.code ?? `HTTP_${res.status}`,
    body.message ?? `${res.status} ${res.statusText}`,
    Array.isArray(body.details) ? body.details : [],
    parseRetryAfter(res.headers.get('Retry-After')),
  );
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Builds `/api/v1<path>?query`, leaving out empty query values. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${API_BASE}${path}${s ? `?${s}` : ''}`;
}

/** Sends one request; resolves with the JSON body (undefined for 204), rejects with ApiError. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const csrf = getCsrfToken();
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'The server could not be reached. Check your connection and retry.');
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && path !== '/auth/login') onUnauthorized();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>('POST', path, { body: body ?? {}, headers }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: (path: string) => request<void>('DELETE', path),
};

/** A one-line message for people, e.g. in an alert next to a button. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    const extra = e.details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message));
    return [e.message, ...extra].join(' — ');
  }
  return e instanceof Error ? e.message : String(e);
}

/** A random Idempotency-Key so a double-submitted or retried create never creates twice. */
export function newIdempotencyKey(): string {
  // randomUUID needs a secure context; getRandomValues works on plain-HTTP LAN addresses too.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
