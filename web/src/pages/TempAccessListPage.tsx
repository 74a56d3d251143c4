// Settings › IAM › Permissions & Access › Temp Access: the active temp access instances with live
// countdowns (rows leave by themselves at expiry), and on request the history of ended ones.
import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { activeAt, endedAt, mergeNewestFirst } from '../lib/grants';
import { useAsync, useNow } from '../lib/hooks';
import { useLocation } from '../lib/router';
import type { Grant, Page } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { Name, Names, UserCount } from '../components/NameList';
import { Alert, Expiry, Link, Loading, Pager, Time } from '../components/ui';

const PAGE = 20;
/** The server's default maximum of active grants (API.md); only used to explain the limit early. */
const DEFAULT_MAX_ACTIVE = 100;
/** How often the list is re-read, so grants made elsewhere (REST API, CLI) show up. */
const POLL_MS = 10_000;

export function TempAccessListPage() {
  const { query } = useLocation();
  const created = query.get('created');
  const [showHistory, setShowHistory] = useState(false);
  useEffect(() => {
    document.title = 'Temp Access · jitgate';
  }, []);
  return (
    <section>
      <IamTabs current="Temp Access" />
      <div className="page-head">
        <h1>Temp Access</h1>
        <Link to="/settings/iam/temp-access/new" className="button primary">
          + Grant new temp access
        </Link>
      </div>
      <p className="lead">
        Temporary roles on agent pools for named users. Access ends by itself at the expiry time.
      </p>
      {created && <Alert tone="success">Temp access “{created}” was created.</Alert>}
      <ActiveList />
      <div className="toggle-row">
        <label className="checkbox">
          <input type="checkbox" checked={showHistory} onChange={(e) => setShowHistory(e.target.checked)} />
          Show history (expired and revoked)
        </label>
      </div>
      {showHistory && <HistoryList />}
    </section>
  );
}

function ActiveList() {
  const now = useNow(1000);
  const [offset, setOffset] = useState(0);
  const [poll, setPoll] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => setPoll((p) => p + 1), POLL_MS);
    return () => window.clearInterval(t);
  }, []);
  const { data, error, loading } = useAsync(
    (signal) => api.get<Page<Grant>>('/jit-access', { status: 'active', offset, limit: PAGE }, signal),
    [offset, poll],
  );
  const rows = data ? activeAt(data.items, now) : [];
  return (
    <section aria-labelledby="active-title">
      <h2 id="active-title">Active</h2>
      {error && <Alert>Could not load temp access: {error}</Alert>}
      {loading && !data && <Loading what="temp access" />}
      {data && rows.length === 0 && <p className="empty">No active temp access.</p>}
      {data && data.total >= DEFAULT_MAX_ACTIVE && (
        <Alert tone="info">
          {data.total} instances are active: that is the limit of active temp access (100 unless the server is
          configured otherwise). New grants are refused until one expires or is deleted.
        </Alert>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Active temp access" className="stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Agent pools</th>
                <th scope="col">Users</th>
                <th scope="col">Expires</th>
                <th scope="col">Created by</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((g) => (
                <tr key={g.id} data-grant-id={g.id}>
                  <th scope="row">
                    <Link to={`/settings/iam/temp-access/${g.id}`}>{g.name}</Link>
                  </th>
                  <td data-label="Role">{roleLabel(g.role)}</td>
                  <td data-label="Agent pools"><Names kind="pool" ids={g.agentPoolIds} /></td>
                  <td data-label="Users"><UserCount ids={g.userIds} grantName={g.name} /></td>
                  <td data-label="Expires"><Expiry at={g.expiresAt} now={now} /></td>
                  <td data-label="Created by"><Name kind="user" id={g.createdBy} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="Active temp access" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
    </section>
  );
}

function HistoryList() {
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useAsync(async (signal) => {
    const q = { offset: 0, limit: Math.min(offset + PAGE, 1000) };
    const [expired, revoked] = await Promise.all([
      api.get<Page<Grant>>('/jit-access', { ...q, status: 'expired' }, signal),
      api.get<Page<Grant>>('/jit-access', { ...q, status: 'revoked' }, signal),
    ]);
    return { items: mergeNewestFirst(expired.items, revoked.items, offset, PAGE), total: expired.total + revoked.total };
  }, [offset]);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {error && <Alert>Could not load history: {error}</Alert>}
      {loading && !data && <Loading what="history" />}
      {data && data.items.length === 0 && <p className="empty">No expired or revoked temp access yet.</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Temp access history" className="stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Agent pools</th>
                <th scope="col">Users</th>
                <th scope="col">Ended</th>
                <th scope="col">How</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((g) => (
                <tr key={g.id} data-grant-id={g.id}>
                  <th scope="row">
                    <Link to={`/settings/iam/temp-access/${g.id}`}>{g.name}</Link>
                  </th>
                  <td data-label="Role">{roleLabel(g.role)}</td>
                  <td data-label="Agent pools"><Names kind="pool" ids={g.agentPoolIds} /></td>
                  <td data-label="Users"><UserCount ids={g.userIds} grantName={g.name} /></td>
                  <td data-label="Ended"><Time at={endedAt(g)} /></td>
                  <td data-label="How">
                    {g.status === 'REVOKED' ? (
                      <>Deleted by <Name kind="user" id={g.revokedBy} /></>
                    ) : (
                      'Expired'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="History" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
    </section>
  );
}

export function roleLabel(role: string): string {
  return role === 'PRIVILEGED' ? 'Privileged' : role === 'STANDARD' ? 'Standard' : role;
}

