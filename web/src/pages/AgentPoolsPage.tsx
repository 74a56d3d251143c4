// Agent Pools: search (debounced) with pagination, create, edit, and delete with the server's 409
// (pool named in an active temp access) explained.
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, errorMessage, newIdempotencyKey } from '../lib/api';
import { poolDeleteMessage } from '../lib/messages';
import { useAsync, useDebounced, usePending } from '../lib/hooks';
import { rememberNames } from '../lib/names';
import type { AgentPool, Page } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { Alert, BusyButton, ConfirmDialog, Field, Loading, Pager, Time } from '../components/ui';

const PAGE = 20;

export function AgentPoolsPage() {
  const [text, setText] = useState('');
  const search = useDebounced(text.trim(), 300);
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [search]);
  useEffect(() => {
    document.title = 'Agent Pools · jitgate';
  }, []);
  const { data, error, loading, reload } = useAsync(async (signal) => {
    const p = await api.get<Page<AgentPool>>('/agent-pool', { search, offset, limit: PAGE }, signal);
    rememberNames('pool', p.items);
    return p;
  }, [search, offset]);
  const [editing, setEditing] = useState<AgentPool | null>(null);
  const [deleting, setDeleting] = useState<AgentPool | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, run] = usePending();

  return (
    <section>
      <IamTabs current="Agent Pools" />
      <h1>Agent Pools</h1>
      {notice && <Alert tone="success">{notice}</Alert>}
      <PoolForm key={editing?.id ?? 'new'} pool={editing} onDone={(msg) => { setEditing(null); setNotice(msg); reload(); }} onCancel={() => setEditing(null)} />
      <div className="field search">
        <label htmlFor="pool-search">Search agent pools</label>
        <input id="pool-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Name contains…" />
      </div>
      {error && <Alert>Could not load agent pools: {error}</Alert>}
      {loading && !data && <Loading what="agent pools" />}
      {data && data.items.length === 0 && <p className="empty">{search ? `No agent pools match “${search}”.` : 'No agent pools yet.'}</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Agent pools" aria-busy={loading}>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.name}</th>
                  <td>{p.description || '—'}</td>
                  <td><Time at={p.createdAt} /></td>
                  <td className="row-actions">
                    <button type="button" aria-label={`Edit ${p.name}`} onClick={() => { setNotice(null); setEditing(p); }}>Edit</button>
                    <button type="button" className="danger" aria-label={`Delete ${p.name}`} onClick={() => { setDeleteError(null); setDeleting(p); }}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="Agent pools" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete agent pool?"
        confirmLabel="Yes, delete"
        busy={busy}
        error={deleteError}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          void run(async () => {
            try {
              await api.del(`/agent-pool/${encodeURIComponent(deleting!.id)}`);
              setNotice(`Agent pool “${deleting!.name}” deleted.`);
              setDeleting(null);
              reload();
            } catch (e) {
              setDeleteError(poolDeleteMessage(e));
            }
          })
        }
      >
        <p>“{deleting?.name}” will be removed, with every group's access to it.</p>
      </ConfirmDialog>
    </section>
  );
}

/** Create (pool null) or edit one pool. */
function PoolForm(props: { pool: AgentPool | null; onDone: (msg: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(props.pool?.name ?? '');
  const [description, setDescription] = useState(props.pool?.description ?? '');
  const [errors, setErrors] = useState<{ name?: string; description?: string; form?: string }>({});
  const [busy, run] = usePending();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (n.length < 1 || n.length > 100) {
      setErrors({ name: 'Enter a name of 1 to 100 characters.' });
      return;
    }
    void run(async () => {
      try {
        if (props.pool) await api.patch(`/agent-pool/${encodeURIComponent(props.pool.id)}`, { name: n, description });
        else await api.post('/agent-pool', { name: n, description }, { 'Idempotency-Key': newIdempotencyKey() });
        props.onDone(props.pool ? `Agent pool “${n}” saved.` : `Agent pool “${n}” created.`);
        if (!props.pool) { setName(''); setDescription(''); setErrors({}); }
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) setErrors({ name: `An agent pool named “${n}” already exists.` });
        else if (err instanceof ApiError && err.details.length) {
          const byField = Object.fromEntries(err.details.map((d) => [d.field === 'description' ? 'description' : 'name', d.message]));
          setErrors({ ...byField, form: err.message });
        } else setErrors({ form: errorMessage(err) });
      }
    });
  };
  return (
    <form className="card form inline-form" onSubmit={submit} noValidate aria-label={props.pool ? `Edit ${props.pool.name}` : 'Create agent pool'}>
      <h2>{props.pool ? `Edit “${props.pool.name}”` : 'Create an agent pool'}</h2>
      {errors.form && <Alert>{errors.form}</Alert>}
      <Field label="Pool name" name="name" error={errors.name}>
        {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Description" name="description" error={errors.description}>
        {(a) => <input {...a} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <div className="actions">
        <BusyButton type="submit" className="primary" busy={busy} busyText="Saving…">{props.pool ? 'Save pool' : 'Create pool'}</BusyButton>
        {props.pool && <button type="button" onClick={props.onCancel}>Cancel</button>}
      </div>
    </form>
  );
}
