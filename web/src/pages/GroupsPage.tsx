// Groups (standing access): list, create, and for one group its members and its pool access with a
// role per pool; saved with PATCH, deleted with confirmation.
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, errorMessage, newIdempotencyKey } from '../lib/api';
import { useAsync, usePending } from '../lib/hooks';
import { useNames } from '../lib/names';
import type { Group, Page, PoolRole } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { type Chosen, PoolPicker, UserPicker } from '../components/Pickers';
import { Alert, BusyButton, ConfirmDialog, Field, Loading, Pager } from '../components/ui';

const PAGE = 20;

export function GroupsPage() {
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Page<Group>>('/groups', { offset, limit: PAGE }, signal), [offset]);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Groups · jitgate';
  }, []);
  const group = data?.items.find((g) => g.id === selected) ?? null;
  return (
    <section>
      <IamTabs current="Groups" />
      <h1>Groups</h1>
      <p className="lead">Standing access: every member of a group has its role on each of the group's agent pools.</p>
      {notice && <Alert tone="success">{notice}</Alert>}
      <CreateGroupForm onCreated={(g) => { setNotice(`Group “${g.name}” created.`); setSelected(g.id); reload(); }} />
      {error && <Alert>Could not load groups: {error}</Alert>}
      {loading && !data && <Loading what="groups" />}
      {data && data.items.length === 0 && <p className="empty">No groups yet.</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Groups">
            <thead><tr><th scope="col">Name</th><th scope="col">Members</th><th scope="col">Agent pools</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {data.items.map((g) => (
                <tr key={g.id} aria-selected={g.id === selected}>
                  <th scope="row">{g.name}</th>
                  <td>{g.memberIds.length}</td>
                  <td>{g.poolAccess.length}</td>
                  <td><button type="button" aria-label={`Open ${g.name}`} onClick={() => { setNotice(null); setSelected(g.id); }}>Open</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="Groups" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
      {group && (
        <GroupEditor key={group.id + group.memberIds.join() + JSON.stringify(group.poolAccess)} group={group}
          onSaved={(msg) => { setNotice(msg); reload(); }} onDeleted={(msg) => { setNotice(msg); setSelected(null); reload(); }} />
      )}
    </section>
  );
}

function CreateGroupForm(props: { onCreated: (g: Group) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, run] = usePending();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError('Enter a group name.');
    void run(async () => {
      try {
        const g = await api.post<Group>('/groups', { name: name.trim() }, { 'Idempotency-Key': newIdempotencyKey() });
        setName('');
        setError(undefined);
        props.onCreated(g);
      } catch (err) {
        setError(err instanceof ApiError && err.status === 409 ? 'A group with this name already exists.' : errorMessage(err));
      }
    });
  };
  return (
    <form className="card form inline-form" onSubmit={submit} noValidate aria-label="Create group">
      <Field label="Group name" name="name" error={error}>
        {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <div className="actions"><BusyButton type="submit" className="primary" busy={busy} busyText="Creating…">Create group</BusyButton></div>
    </form>
  );
}

function GroupEditor(props: { group: Group; onSaved: (m: string) => void; onDeleted: (m: string) => void }) {
  const g = props.group;
  const userNames = useNames('user', g.memberIds);
  const poolNames = useNames('pool', g.poolAccess.map((p) => p.agentPoolId));
  const [members, setMembers] = useState<Chosen[] | null>(null);
  const [pools, setPools] = useState<(Chosen & { role: PoolRole })[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = usePending();
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [delBusy, runDel] = usePending();
  const m = members ?? g.memberIds.map((id) => ({ id, label: userNames[id] ?? id }));
  const p = pools ?? g.poolAccess.map((a) => ({ id: a.agentPoolId, label: poolNames[a.agentPoolId] ?? a.agentPoolId, role: a.role }));

  const save = () =>
    run(async () => {
      try {
        await api.patch(`/groups/${encodeURIComponent(g.id)}`, {
          memberIds: m.map((x) => x.id),
          poolAccess: p.map((x) => ({ agentPoolId: x.id, role: x.role })),
        });
        setError(null);
        props.onSaved(`Group “${g.name}” saved.`);
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <section className="card form" aria-labelledby="group-title">
      <h2 id="group-title">Group “{g.name}”</h2>
      {error && <Alert>{error}</Alert>}
      <UserPicker label="Members" name="memberIds" chosen={m} onChange={setMembers} max={10_000} hint="Search users by email or name and tick them." />
      <PoolPicker label="Agent pools of this group" name="poolAccess" chosen={p}
        onChange={(c) => setPools(c.map((x) => ({ ...x, role: p.find((y) => y.id === x.id)?.role ?? 'STANDARD' })))}
        max={10_000} hint="Tick pools, then choose the role the members get on each." />
      {p.length > 0 && (
        <table aria-label="Role per agent pool">
          <thead><tr><th scope="col">Agent pool</th><th scope="col">Role</th></tr></thead>
          <tbody>
            {p.map((x) => (
              <tr key={x.id}>
                <th scope="row">{x.label}</th>
                <td>
                  <select aria-label={`Role on ${x.label}`} value={x.role}
                    onChange={(e) => setPools(p.map((y) => (y.id === x.id ? { ...y, role: e.target.value as PoolRole } : y)))}>
                    <option value="STANDARD">Standard</option>
                    <option value="PRIVILEGED">Privileged</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <BusyButton className="primary" busy={busy} busyText="Saving…" onClick={() => void save()}>Save group</BusyButton>
        <button type="button" className="danger" onClick={() => { setDeleteError(null); setDeleting(true); }}>Delete group</button>
      </div>
      <ConfirmDialog open={deleting} title="Delete group?" confirmLabel="Yes, delete" busy={delBusy} error={deleteError}
        onCancel={() => setDeleting(false)}
        onConfirm={() => void runDel(async () => {
          try {
            await api.del(`/groups/${encodeURIComponent(g.id)}`);
            setDeleting(false);
            props.onDeleted(`Group “${g.name}” deleted.`);
          } catch (e) {
            setDeleteError(errorMessage(e));
          }
        })}>
        <p>Its {g.memberIds.length} members lose the standing access it gives.</p>
      </ConfirmDialog>
    </section>
  );
}
