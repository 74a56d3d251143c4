// Create temp access: Name, Role, Agent pools, Expiration (Days / Hours / Custom, with the resulting
// instant shown), Add users, Reason, Save. Validated here first; the server's own errors are shown
// next to the field they concern. `?from=<id>` prefills the form from an earlier grant (Recreate).
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api, newIdempotencyKey } from '../lib/api';
import { describeCreateError } from '../lib/messages';
import { formatLocal, resolveExpiry, toLocalDateTimeValue, type ExpiryMode } from '../lib/expiry';
import {
  emptyGrantForm, GRANT_LIMITS, validateGrantForm, type FieldErrors, type GrantFormState, type GrantRole,
} from '../lib/grantForm';
import { choiceLike } from '../lib/grants';
import { useNow, usePending } from '../lib/hooks';
import { useNames } from '../lib/names';
import { navigate, useLocation } from '../lib/router';
import type { Grant } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { type Chosen, PoolPicker, UserPicker } from '../components/Pickers';
import { Alert, BusyButton, Field, FieldError, Link, Loading } from '../components/ui';

export const ROLE_DESCRIPTIONS: Record<GrantRole, string> = {
  STANDARD: 'Use the pools: create actions on their agents, with full access to action data.',
  PRIVILEGED: 'Everything Standard grants, plus ignoring agent quota limitations.',
};

const FIELD_ORDER = ['name', 'role', 'agentPoolIds', 'expiration', 'userIds', 'reason'] as const;

export function CreateTempAccessPage() {
  const { query } = useLocation();
  const from = query.get('from');
  const [source, setSource] = useState<Grant | null | 'loading'>(from ? 'loading' : null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Create temp access · jitgate';
  }, []);
  useEffect(() => {
    if (!from) return;
    api.get<Grant>(`/jit-access/${encodeURIComponent(from)}`).then(setSource, (e) => {
      setLoadError(`Could not load the temp access to recreate: ${(e as Error).message}`);
      setSource(null);
    });
  }, [from]);
  return (
    <section>
      <IamTabs current="Temp Access" />
      <p className="back">
        <Link to="/settings/iam/temp-access">← Back to Temp Access</Link>
      </p>
      <h1>Create temp access</h1>
      {loadError && <Alert>{loadError}</Alert>}
      {source === 'loading' ? <Loading what="the temp access to recreate" /> : <PrefilledForm source={source} />}
    </section>
  );
}

/** Resolves the source grant's pool and user names, then renders the form with them. */
function PrefilledForm(props: { source: Grant | null }) {
  const g = props.source;
  const pools = useNames('pool', g?.agentPoolIds ?? []);
  const users = useNames('user', g?.userIds ?? []);
  if (g && [...g.agentPoolIds.map((i) => pools[i]), ...g.userIds.map((i) => users[i])].some((n) => n === undefined)) {
    return <Loading what="names" />;
  }
  const initial: GrantFormState = g
    ? { name: g.name, role: g.role, agentPoolIds: g.agentPoolIds, userIds: g.userIds, expiry: choiceLike(g), reason: g.reason }
    : emptyGrantForm();
  const chosen = (ids: string[], names: Record<string, string | undefined>): Chosen[] => ids.map((id) => ({ id, label: names[id] ?? id }));
  return (
    <>
      {g && <Alert tone="info">Prefilled from “{g.name}”. Check the expiration before saving.</Alert>}
      <GrantForm initial={initial} initialPools={chosen(initial.agentPoolIds, pools)} initialUsers={chosen(initial.userIds, users)} />
    </>
  );
}

function GrantForm(props: { initial: GrantFormState; initialPools: Chosen[]; initialUsers: Chosen[] }) {
  const now = useNow(1000);
  const [form, setForm] = useState<GrantFormState>(props.initial);
  const [pools, setPools] = useState<Chosen[]>(props.initialPools);
  const [users, setUsers] = useState<Chosen[]>(props.initialUsers);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = usePending();
  const formRef = useRef<HTMLFormElement>(null);
  const ids = { role: useId(), exp: useId() };

  const set = <K extends keyof GrantFormState>(k: K, v: GrantFormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setExpiry = (patch: Partial<GrantFormState['expiry']>) => setForm((f) => ({ ...f, expiry: { ...f.expiry, ...patch } }));
  const preview = resolveExpiry(form.expiry, now);

  const focusFirstError = (errs: FieldErrors) => {
    const first = FIELD_ORDER.find((f) => errs[f]);
    const el = first && formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"] input, [data-field="${first}"] textarea`);
    el?.focus();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateGrantForm({ ...form, agentPoolIds: pools.map((p) => p.id), userIds: users.map((u) => u.id) }, new Date());
    if (!v.ok) {
      setErrors(v.errors);
      setFormError('Please correct the fields marked below.');
      focusFirstError(v.errors);
      return;
    }
    setErrors({});
    setFormError(null);
    void run(async () => {
      try {
        const g = await api.post<Grant>('/jit-access', v.request, { 'Idempotency-Key': newIdempotencyKey() });
        navigate(`/settings/iam/temp-access?created=${encodeURIComponent(g.name)}`);
      } catch (err) {
        const { fields, message } = describeCreateError(err);
        setErrors(fields);
        setFormError(message);
        focusFirstError(fields);
      }
    });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="card form" aria-label="Create temp access">
      {formError && <Alert>{formError}</Alert>}
      <Field label="Name" name="name" error={errors.name} hint="For example oncall-alice-fri. At most 200 characters.">
        {(a) => <input {...a} type="text" value={form.name} maxLength={GRANT_LIMITS.nameMax * 2} onChange={(e) => set('name', e.target.value)} />}
      </Field>

      <fieldset className={`field${errors.role ? ' has-error' : ''}`} data-field="role" role="radiogroup" aria-labelledby={`${ids.role}-legend`}
        aria-describedby={errors.role ? `${ids.role}-error` : undefined} aria-invalid={!!errors.role}>
        <legend id={`${ids.role}-legend`}>Role</legend>
        {(['STANDARD', 'PRIVILEGED'] as const).map((r) => (
          <div className="radio-card" key={r}>
            <label className="checkbox">
              <input type="radio" name="role" value={r} checked={form.role === r} onChange={() => set('role', r)} aria-describedby={`${ids.role}-${r}`} />
              {r === 'STANDARD' ? 'Standard' : 'Privileged'}
            </label>
            <p className="hint" id={`${ids.role}-${r}`}>{ROLE_DESCRIPTIONS[r]}</p>
          </div>
        ))}
        <FieldError id={`${ids.role}-error`} error={errors.role} />
      </fieldset>

      <PoolPicker label="Agent pools" name="agentPoolIds" chosen={pools} onChange={setPools} max={GRANT_LIMITS.poolsMax}
        error={errors.agentPoolIds} hint={`Search by name and tick up to ${GRANT_LIMITS.poolsMax} pools.`} />

      <fieldset className={`field${errors.expiration ? ' has-error' : ''}`} data-field="expiration" role="radiogroup"
        aria-labelledby={`${ids.exp}-legend`}>
        <legend id={`${ids.exp}-legend`}>Expiration</legend>
        <div className="segmented">
          {(['days', 'hours', 'custom'] as ExpiryMode[]).map((m) => (
            <label className="checkbox" key={m}>
              <input type="radio" name="expiry-mode" value={m} checked={form.expiry.mode === m} onChange={() => setExpiry({ mode: m })} />
              {m === 'days' ? 'Days' : m === 'hours' ? 'Hours' : 'Custom'}
            </label>
          ))}
        </div>
        <ExpiryInput mode={form.expiry.mode} form={form} setExpiry={setExpiry} now={now} errorId={`${ids.exp}-error`} invalid={!!errors.expiration} />
        <p className="expiry-preview" aria-live="polite">
          {preview.ok ? (
            <>Expires <time dateTime={preview.expiresAt.toISOString()}>{formatLocal(preview.expiresAt)}</time> (your local time)</>
          ) : (
            <span className="muted">{preview.error}</span>
          )}
        </p>
        <FieldError id={`${ids.exp}-error`} error={errors.expiration} />
      </fieldset>

      <UserPicker label="Add users" name="userIds" chosen={users} onChange={setUsers} max={GRANT_LIMITS.usersMax}
        error={errors.userIds} hint={`Type part of a name or email; up to ${GRANT_LIMITS.usersMax} users.`} />

      <Field label="Reason" name="reason" error={errors.reason} hint="Optional, e.g. the incident or ticket. At most 1000 characters.">
        {(a) => <textarea {...a} rows={3} value={form.reason} onChange={(e) => set('reason', e.target.value)} />}
      </Field>

      <div className="actions">
        <BusyButton type="submit" className="primary" busy={busy} busyText="Saving…">
          Save
        </BusyButton>
        <Link to="/settings/iam/temp-access" className="button">Cancel</Link>
      </div>
    </form>
  );
}

function ExpiryInput(props: {
  mode: ExpiryMode;
  form: GrantFormState;
  setExpiry: (p: Partial<GrantFormState['expiry']>) => void;
  now: Date;
  errorId: string;
  invalid: boolean;
}) {
  const id = useId();
  const common = { id, 'aria-invalid': props.invalid, 'aria-describedby': props.invalid ? props.errorId : undefined };
  if (props.mode === 'days') {
    return (
      <div className="inline-field">
        <label htmlFor={id}>Number of days</label>
        <input {...common} type="number" inputMode="numeric" min={1} max={31} step={1} value={props.form.expiry.days}
          onChange={(e) => props.setExpiry({ days: e.target.value })} />
      </div>
    );
  }
  if (props.mode === 'hours') {
    return (
      <div className="inline-field">
        <label htmlFor={id}>Number of hours</label>
        <input {...common} type="number" inputMode="numeric" min={1} max={744} step={1} value={props.form.expiry.hours}
          onChange={(e) => props.setExpiry({ hours: e.target.value })} />
      </div>
    );
  }
  return (
    <div className="inline-field">
      <label htmlFor={id}>Custom date and time</label>
      <input {...common} type="datetime-local" min={toLocalDateTimeValue(props.now)} value={props.form.expiry.custom}
        onChange={(e) => props.setExpiry({ custom: e.target.value })} />
    </div>
  );
}
