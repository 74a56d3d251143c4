// One temp access instance: its details, and Delete temporary access (with confirmation). There is
// no edit: an active instance is changed by deleting it and creating it again ("Recreate").
import { useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../lib/api';
import { isExpired } from '../lib/expiry';
import { useAsync, useNow, usePending } from '../lib/hooks';
import type { Grant } from '../lib/types';
import { IamTabs } from '../components/IamTabs';
import { Name, Names } from '../components/NameList';
import { Alert, BusyButton, ConfirmDialog, Expiry, Link, Loading, Time } from '../components/ui';
import { roleLabel } from './TempAccessListPage';

export function TempAccessDetailPage(props: { id: string }) {
  const now = useNow(1000);
  const { data: grant, error, reload } = useAsync((signal) => api.get<Grant>(`/jit-access/${encodeURIComponent(props.id)}`, undefined, signal), [props.id]);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState(false);
  const [busy, run] = usePending();
  useEffect(() => {
    document.title = `${grant?.name ?? 'Temp access'} · jitgate`;
  }, [grant?.name]);

  const active = grant?.status === 'ACTIVE' && !isExpired(grant.expiresAt, now);
  const status = !grant ? '' : grant.status === 'ACTIVE' && !active ? 'EXPIRED' : grant.status;

  const doDelete = () =>
    run(async () => {
      try {
        await api.del(`/jit-access/${encodeURIComponent(props.id)}`);
        setDeleted(true);
        setConfirming(false);
        reload();
      } catch (e) {
        if (e instanceof ApiError && e.code === 'GRANT_NOT_ACTIVE') {
          setConfirming(false);
          setDeleteError('This temp access had already ended (expired or deleted by someone else).');
          reload();
        } else setDeleteError(errorMessage(e));
      }
    });

  return (
    <section>
      <IamTabs current="Temp Access" />
      <p className="back">
        <Link to="/settings/iam/temp-access">← Back to Temp Access</Link>
      </p>
      {error && <Alert>{error}</Alert>}
      {!grant && !error && <Loading what="temp access" />}
      {grant && (
        <>
          <div className="page-head">
            <h1>{grant.name}</h1>
            <span className={`status status-${status.toLowerCase()}`}>{statusLabel(status)}</span>
          </div>
          {deleted && <Alert tone="success">Temporary access deleted. Its users lost this access at once.</Alert>}
          {deleteError && !confirming && <Alert>{deleteError}</Alert>}
          <dl className="details card">
            <dt>Role</dt>
            <dd>{roleLabel(grant.role)}</dd>
            <dt>Agent pools</dt>
            <dd><Names kind="pool" ids={grant.agentPoolIds} /></dd>
            <dt>Users ({grant.userIds.length})</dt>
            <dd><Names kind="user" ids={grant.userIds} /></dd>
            <dt>Reason</dt>
            <dd>{grant.reason || '—'}</dd>
            <dt>Created</dt>
            <dd><Time at={grant.createdAt} /> by <Name kind="user" id={grant.createdBy} /></dd>
            <dt>Expires</dt>
            <dd>{active ? <Expiry at={grant.expiresAt} now={now} /> : <Time at={grant.expiresAt} />}</dd>
            {grant.status === 'REVOKED' && (
              <>
                <dt>Deleted</dt>
                <dd><Time at={grant.revokedAt} /> by <Name kind="user" id={grant.revokedBy} /></dd>
              </>
            )}
          </dl>
          <p className="note-box">
            Temp access cannot be edited. To change an active instance, delete it and create it again:
            after deleting, <strong>Recreate</strong> opens the form prefilled with these settings.
          </p>
          <div className="actions">
            {active && (
              <BusyButton className="danger" busy={busy} onClick={() => { setDeleteError(null); setConfirming(true); }}>
                Delete temporary access
              </BusyButton>
            )}
            {!active && (
              <Link to={`/settings/iam/temp-access/new?from=${encodeURIComponent(grant.id)}`} className="button primary">
                Recreate
              </Link>
            )}
          </div>
          <ConfirmDialog
            open={confirming}
            title="Delete temporary access?"
            confirmLabel="Yes, delete"
            busy={busy}
            error={confirming ? deleteError : null}
            onConfirm={() => void doDelete()}
            onCancel={() => setConfirming(false)}
          >
            <p>
              “{grant.name}” ends now: its {grant.userIds.length} {grant.userIds.length === 1 ? 'user loses' : 'users lose'} this
              access at once. It stays in the history. This cannot be undone.
            </p>
          </ConfirmDialog>
        </>
      )}
    </section>
  );
}

function statusLabel(s: string): string {
  return s === 'ACTIVE' ? 'Active' : s === 'EXPIRED' ? 'Expired' : s === 'REVOKED' ? 'Deleted' : s;
}
