// Audit log: filters by type, actor and time, pagination (oldest first, as the API returns it), and
// "Verify chain", which checks the hash chain on the server and shows the result.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../lib/api';
import { parseLocalDateTime, toRfc3339 } from '../lib/expiry';
import { useAsync, useDebounced, usePending } from '../lib/hooks';
import type { AuditEvent, Page } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { Name } from '../components/NameList';
import { Alert, BusyButton, Loading, Pager, Time } from '../components/ui';

const PAGE = 50;
const TYPES = [
  'jit.granted', 'jit.revoked', 'jit.expired', 'user.created', 'user.updated', 'user.deleted', 'pool.created',
  'pool.updated', 'pool.deleted', 'group.created', 'group.updated', 'group.deleted', 'apikey.created', 'apikey.revoked',
  'auth.login', 'auth.login_failed',
];

type Verify = { valid: boolean; checked?: number; seq?: number; firstBadSeq?: number; message?: string };

export function AuditPage() {
  const [type, setType] = useState('');
  const [actor, setActor] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [offset, setOffset] = useState(0);
  const actorId = useDebounced(actor.trim(), 400);
  const sinceAt = since ? parseLocalDateTime(since) : null;
  const untilAt = until ? parseLocalDateTime(until) : null;
  const filters = { type, actorId, since: sinceAt ? toRfc3339(sinceAt) : '', until: untilAt ? toRfc3339(untilAt) : '' };
  const key = JSON.stringify(filters);
  useEffect(() => setOffset(0), [key]);
  useEffect(() => {
    document.title = 'Audit log · jitgate';
  }, []);
  const { data, error, loading } = useAsync((signal) => api.get<Page<AuditEvent>>('/audit-events', { ...filters, offset, limit: PAGE }, signal), [key, offset]);
  const [verify, setVerify] = useState<Verify | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [busy, run] = usePending();

  return (
    <section>
      <IamTabs current="Audit log" />
      <div className="page-head">
        <h1>Audit log</h1>
        <BusyButton busy={busy} busyText="Verifying…" onClick={() => void run(async () => {
          setVerifyError(null);
          try { setVerify(await api.get<Verify>('/audit-events/verify')); } catch (e) { setVerify(null); setVerifyError(errorMessage(e)); }
        })}>
          Verify chain
        </BusyButton>
      </div>
      {verify && (verify.valid
        ? <Alert tone="success">Chain valid: {verify.checked ?? 'all'} events checked, none altered.</Alert>
        : <Alert>Chain broken at event #{verify.firstBadSeq ?? verify.seq ?? '?'}: the log was altered after it was written.</Alert>)}
      {verifyError && <Alert>Could not verify: {verifyError}</Alert>}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <div className="field">
          <label htmlFor="audit-type">Event type</label>
          <select id="audit-type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">All types</option>
            {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor ID</label>
          <input id="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="User or API key ID" />
        </div>
        <div className="field">
          <label htmlFor="audit-since">From</label>
          <input id="audit-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
      </form>
      {error && <Alert>Could not load the audit log: {error}</Alert>}
      {loading && !data && <Loading what="audit events" />}
      {data && data.items.length === 0 && <p className="empty">No events match these filters.</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Audit events" aria-busy={loading}>
            <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
            <tbody>
              {data.items.map((ev) => (
                <tr key={ev.seq}>
                  <td>{ev.seq}</td>
                  <td><Time at={ev.at} /></td>
                  <td>{ev.actorType === 'USER' ? <Name kind="user" id={ev.actorId} /> : ev.actorType === 'SYSTEM' ? 'System' : <>API key <code>{ev.actorId}</code></>}</td>
                  <td><code>{ev.type}</code></td>
                  <td><code className="id">{ev.targetId ?? '—'}</code></td>
                  <td><code className="details-json">{ev.details ? JSON.stringify(ev.details) : ''}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="Audit events" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
    </section>
  );
}
