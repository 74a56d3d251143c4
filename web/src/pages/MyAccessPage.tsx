// My access: for the signed-in user, which agent pools, which role, from which source, and until when.
// Re-reads itself when the earliest validUntil passes, so expired access disappears on its own.
import { useEffect } from 'react';
import { api } from '../lib/api';
import { isExpired } from '../lib/expiry';
import { useAsync, useNow } from '../lib/hooks';
import type { AccessItem, AccessSource } from '../lib/types';
import { Name } from '../components/NameList';
import { Alert, Expiry, Loading, Time } from '../components/ui';
import { roleLabel } from './TempAccessListPage';

export function MyAccessPage() {
  const now = useNow(1000);
  const { data, error, loading, reload } = useAsync((signal) => api.get<{ items: AccessItem[] }>('/me/access', undefined, signal), []);
  useEffect(() => {
    document.title = 'My access · jitgate';
  }, []);
  const items = (data?.items ?? []).filter((i) => i.role !== null);
  const stale = items.some((i) => i.validUntil !== null && isExpired(i.validUntil, now));
  useEffect(() => {
    if (stale && !loading) reload();
  }, [stale, loading, reload]);
  return (
    <section>
      <h1>My access</h1>
      <p className="lead">The agent pools you can use now, with which role, why, and until when.</p>
      {error && <Alert>Could not load your access: {error}</Alert>}
      {loading && !data && <Loading what="your access" />}
      {data && items.length === 0 && <p className="empty">You have no access to any agent pool right now.</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="My access" className="stack">
            <thead>
              <tr>
                <th scope="col">Agent pool</th>
                <th scope="col">Role</th>
                <th scope="col">Source</th>
                <th scope="col">Until</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.agentPoolId}>
                  <th scope="row"><Name kind="pool" id={i.agentPoolId} /></th>
                  <td data-label="Role">{roleLabel(i.role ?? '')}</td>
                  <td data-label="Source">
                    <ul className="plain">
                      {i.sources.map((s) => <li key={`${s.type}:${s.id}`}><Source s={s} /></li>)}
                    </ul>
                  </td>
                  <td data-label="Until">{i.validUntil ? <Expiry at={i.validUntil} now={now} /> : 'No expiry (standing access)'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Source(props: { s: AccessSource }) {
  if (props.s.type === 'GROUP') return <>Group membership (standing access)</>;
  return (
    <>
      Temp access{props.s.expiresAt ? <> until <Time at={props.s.expiresAt} /></> : null}
    </>
  );
}
