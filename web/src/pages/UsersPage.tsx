// Users: search (debounced) with pagination, create, disable/enable, the role manager toggle, and
// delete. The server's refusals (last role manager, user in an active grant) are explained.
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, errorMessage, newIdempotencyKey } from '../lib/api';
import { userChangeMessage } from '../lib/messages';
import { useAsync, useDebounced, usePending } from '../lib/hooks';
import { rememberNames } from '../lib/names';
import { useSession } from '../lib/session';
import type { Page, User } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { Alert, BusyButton, ConfirmDialog, Field, Loading, Pager } from '../components/ui';

const PAGE = 20;

export function UsersPage() {
  const { user: me, refresh } = useSession();
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 300);
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [search]);
  useEffect(() => {
    document.title = 'Users · jitgate';
  }, []);
  const { data, error, loading, reload } = useAsync(async (signal) => {
    const p = await api.get<Page<User>>('/users', { search, offset, limit: PAGE }, signal);
    rememberNames('user', p.items);
    return p;
  }, [search, offset]);
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleteBusy, runDelete] = usePending();

  const patch = async (u: User, body: Partial<User>, change: 'demote' | 'disable' | 'promote' | 'enable') => {
    if (busyId) return;
    setBusyId(u.id);
    setMessage(null);
    try {
      await api.patch(`/users/${encodeURIComponent(u.id)}`, body);
      const what = { demote: 'is no longer a role manager', promote: 'is now a role manager', disable: 'is disabled', enable: 'is enabled' }[change];
      setMessage({ tone: 'success', text: `${u.email} ${what}.` });
      reload();
      if (u.id === me.id) await refresh();
    } catch (e) {
      const c = change === 'demote' || change === 'disable' ? change : 'disable';
      setMessage({ tone: 'error', text: userChangeMessage(e, u.email, u.id === me.id, c) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section>
      <IamTabs current="Users" />
      <h1>Users</h1>
      <CreateUserForm onCreated={(u) => { setMessage({ tone: 'success', text: `User ${u.email} created.` }); reload(); }} />
      <div className="field search">
        <label htmlFor="user-search">Search users</label>
        <input id="user-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Email or name contains…" />
      </div>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      {error && <Alert>Could not load users: {error}</Alert>}
      {loading && !data && <Loading what="users" />}
      {data && data.items.length === 0 && <p className="empty">No users match “{search}”.</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Users" aria-busy={loading}>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role manager</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {data.items.map((u) => (
                <tr key={u.id} className={u.disabled ? 'muted' : undefined}>
                  <th scope="row">{u.name || '—'}{u.id === me.id && <span className="badge">you</span>}</th>
                  <td>{u.email}</td>
                  <td>
                    <label className="checkbox">
                      <input type="checkbox" checked={u.roleManager} disabled={busyId === u.id}
                        aria-label={`Role manager: ${u.email}`}
                        onChange={(e) => void patch(u, { roleManager: e.target.checked }, e.target.checked ? 'promote' : 'demote')} />
                      <span aria-hidden="true">{u.roleManager ? 'Yes' : 'No'}</span>
                    </label>
                  </td>
                  <td>{u.disabled ? 'Disabled' : 'Enabled'}</td>
                  <td className="row-actions">
                    <BusyButton busy={busyId === u.id} busyText="…" ariaLabel={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                      onClick={() => void patch(u, { disabled: !u.disabled }, u.disabled ? 'enable' : 'disable')}>
                      {u.disabled ? 'Enable' : 'Disable'}
                    </BusyButton>
                    <button type="button" className="danger" aria-label={`Delete ${u.email}`} onClick={() => { setDeleteError(null); setDeleting(u); }}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="Users" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete user?"
        confirmLabel="Yes, delete"
        busy={deleteBusy}
        error={deleteError}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          void runDelete(async () => {
            try {
              await api.del(`/users/${encodeURIComponent(deleting!.id)}`);
              setMessage({ tone: 'success', text: `User ${deleting!.email} deleted.` });
              setDeleting(null);
              reload();
            } catch (e) {
              setDeleteError(userChangeMessage(e, deleting!.email, deleting!.id === me.id, 'delete'));
            }
          })
        }
      >
        <p>{deleting?.email} loses all access and their API keys stop working.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateUserForm(props: { onCreated: (u: User) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roleManager, setRoleManager] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, run] = usePending();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) errs.email = 'Enter an email address.';
    if (password && [...password].length < 12) errs.password = 'At least 12 characters, or leave empty.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    void run(async () => {
      try {
        const body: Record<string, unknown> = { email: email.trim(), name: name.trim(), roleManager };
        if (password) body.password = password;
        const u = await api.post<User>('/users', body, { 'Idempotency-Key': newIdempotencyKey() });
        setEmail(''); setName(''); setPassword(''); setRoleManager(false);
        props.onCreated(u);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) setErrors({ email: 'A user with this email already exists.' });
        else if (err instanceof ApiError && err.details.length) {
          setErrors({ ...Object.fromEntries(err.details.map((d) => [d.field ?? 'form', d.message])), form: err.message });
        } else setErrors({ form: errorMessage(err) });
      }
    });
  };
  return (
    <form className="card form inline-form" onSubmit={submit} noValidate aria-label="Create user">
      <h2>Create a user</h2>
      {errors.form && <Alert>{errors.form}</Alert>}
      <Field label="Email" name="email" error={errors.email}>
        {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field label="Full name" name="name" error={errors.name}>
        {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Password (optional)" name="password" error={errors.password} hint="At least 12 characters.">
        {(a) => <input {...a} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={roleManager} onChange={(e) => setRoleManager(e.target.checked)} />
        Make role manager
      </label>
      <div className="actions">
        <BusyButton type="submit" className="primary" busy={busy} busyText="Creating…">Create user</BusyButton>
      </div>
    </form>
  );
}
