// API keys of the signed-in user: create (label, optional expiry, scopes), the key shown once with a
// copy button, and revoke (with confirmation).
import { type FormEvent, useEffect, useState } from 'react';
import { api, errorMessage, newIdempotencyKey } from '../lib/api';
import { parseLocalDateTime, toRfc3339 } from '../lib/expiry';
import { useAsync, usePending } from '../lib/hooks';
import { type ApiKey, API_KEY_SCOPES, type Page } from '../lib/types';
import { Alert, BusyButton, ConfirmDialog, Field, Loading, Pager, Time } from '../components/ui';

const PAGE = 20;

export function ApiKeysPage() {
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Page<ApiKey>>('/api-keys', { offset, limit: PAGE }, signal), [offset]);
  const [created, setCreated] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [busy, run] = usePending();
  useEffect(() => {
    document.title = 'API keys · jitgate';
  }, []);
  return (
    <section>
      <h1>API keys</h1>
      <p className="lead">Keys for scripts and the CLI (sent as <code>Authorization: Bearer …</code>). A key acts as you, limited by its scopes.</p>
      {created?.key && <NewKey apiKey={created} onDone={() => setCreated(null)} />}
      <CreateKeyForm onCreated={(k) => { setCreated(k); reload(); }} />
      <h2>Your keys</h2>
      {error && <Alert>Could not load keys: {error}</Alert>}
      {loading && !data && <Loading what="keys" />}
      {data && data.items.length === 0 && <p className="empty">You have no API keys.</p>}
      {data && data.items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Label</th><th scope="col">Prefix</th><th scope="col">Scopes</th><th scope="col">Created</th>
                <th scope="col">Expires</th><th scope="col">Last used</th><th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.label}</th>
                  <td><code>{k.prefix}</code></td>
                  <td>{k.scopes && k.scopes.length ? k.scopes.join(', ') : 'All of your rights'}</td>
                  <td><Time at={k.createdAt} /></td>
                  <td><Time at={k.expiresAt} fallback="Never" /></td>
                  <td><Time at={k.lastUsedAt} fallback="Never" /></td>
                  <td>
                    <button type="button" className="danger" aria-label={`Revoke ${k.label}`} onClick={() => { setRevokeError(null); setRevoking(k); }}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="API keys" offset={offset} limit={PAGE} total={data.total} onChange={setOffset} />}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key?"
        confirmLabel="Yes, revoke"
        busy={busy}
        error={revokeError}
        onCancel={() => setRevoking(null)}
        onConfirm={() =>
          void run(async () => {
            try {
              await api.del(`/api-keys/${encodeURIComponent(revoking!.id)}`);
              setRevoking(null);
              reload();
            } catch (e) {
              setRevokeError(errorMessage(e));
            }
          })
        }
      >
        <p>“{revoking?.label}” stops working at once. Scripts using it will get 401.</p>
      </ConfirmDialog>
    </section>
  );
}

function NewKey(props: { apiKey: ApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="card new-key" role="status">
      <h2>New key “{props.apiKey.label}”</h2>
      <p><strong>Copy it now: it is shown only this once.</strong></p>
      <div className="key-row">
        <input readOnly aria-label="New API key" value={props.apiKey.key} onFocus={(e) => e.target.select()} />
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(props.apiKey.key ?? '').then(
              () => setCopied('Copied.'),
              () => setCopied('Copy failed: select the key and copy it by hand.'),
            )
          }
        >
          Copy
        </button>
      </div>
      {copied && <p aria-live="polite">{copied}</p>}
      <button type="button" onClick={props.onDone}>I have stored it</button>
    </div>
  );
}

function CreateKeyForm(props: { onCreated: (k: ApiKey) => void }) {
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ label?: string; expiresAt?: string; scopes?: string; form?: string }>({});
  const [busy, run] = usePending();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!label.trim()) errs.label = 'Enter a label.';
    const at = expires ? parseLocalDateTime(expires) : null;
    if (expires && (!at || at.getTime() <= Date.now())) errs.expiresAt = 'Pick a time in the future, or leave empty for no expiry.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    void run(async () => {
      try {
        const body: Record<string, unknown> = { label: label.trim() };
        if (at) body.expiresAt = toRfc3339(at);
        if (scopes.length) body.scopes = scopes;
        const k = await api.post<ApiKey>('/api-keys', body, { 'Idempotency-Key': newIdempotencyKey() });
        setLabel('');
        setExpires('');
        setScopes([]);
        props.onCreated(k);
      } catch (err) {
        setErrors({ form: errorMessage(err) });
      }
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate aria-label="Create API key">
      <h2>Create a key</h2>
      {errors.form && <Alert>{errors.form}</Alert>}
      <Field label="Label" name="label" error={errors.label}>
        {(a) => <input {...a} value={label} onChange={(e) => setLabel(e.target.value)} />}
      </Field>
      <Field label="Expires (optional)" name="expiresAt" error={errors.expiresAt} hint="Your local time. Empty: the key does not expire.">
        {(a) => <input {...a} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
      </Field>
      <fieldset className="field">
        <legend>Scopes</legend>
        <p className="hint">None ticked: the key has all of your rights.</p>
        <div className="scopes">
          {API_KEY_SCOPES.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" checked={scopes.includes(s)}
                onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} />
              {s}
            </label>
          ))}
        </div>
      </fieldset>
      <BusyButton type="submit" className="primary" busy={busy} busyText="Creating…">Create key</BusyButton>
    </form>
  );
}
