// Small accessible building blocks: labelled fields with errors, links, buttons that show progress,
// confirmation dialogs, pagination, alerts and times.
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { formatCountdown, formatLocal } from '../lib/expiry';
import { navigate } from '../lib/router';

/** An in-app link: a real <a href> (so it works with the keyboard, middle-click and copy link). */
export function Link(props: { to: string; children: ReactNode; className?: string; ariaCurrent?: boolean; role?: string; ariaSelected?: boolean }) {
  return (
    <a
      href={props.to}
      className={props.className}
      role={props.role}
      aria-selected={props.ariaSelected}
      aria-current={props.ariaCurrent ? 'page' : undefined}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/**
 * A label, a control and its error. `children` receives the control's id and aria attributes, so the
 * label, the error text (aria-describedby) and aria-invalid always match the control.
 */
export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  name: string;
  children: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' has-error' : ''}`} data-field={props.name}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': !!props.error, 'aria-describedby': describedBy })}
      {props.hint && <p className="hint" id={hintId}>{props.hint}</p>}
      <FieldError id={errId} error={props.error} />
    </div>
  );
}

/** The error text of one field (kept in the DOM only while there is an error). */
export function FieldError(props: { id?: string; error?: string }) {
  if (!props.error) return null;
  return (
    <p className="field-error" id={props.id}>
      {props.error}
    </p>
  );
}

/** A button that shows progress and cannot be pressed again while its action runs. */
export function BusyButton(props: {
  busy: boolean;
  children: ReactNode;
  busyText?: string;
  onClick?: () => void;
  type?: 'button' | 'submit';
  className?: string;
  disabled?: boolean;
  ariaLabel?: string;
}) {
  return (
    <button
      type={props.type ?? 'button'}
      className={props.className}
      disabled={props.busy || props.disabled}
      aria-busy={props.busy}
      aria-label={props.ariaLabel}
      onClick={props.onClick}
    >
      {props.busy ? <><span className="spinner" aria-hidden="true" />{props.busyText ?? props.children}</> : props.children}
    </button>
  );
}

/** An alert; `tone` error is announced at once, info politely. */
export function Alert(props: { tone?: 'error' | 'info' | 'success'; children: ReactNode }) {
  const tone = props.tone ?? 'error';
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/**
 * A modal confirmation on the native <dialog> (focus is trapped and Escape cancels). Open while
 * `open`; `onConfirm` runs the action, `onCancel` closes.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      {props.error && <Alert>{props.error}</Alert>}
      <div className="actions">
        <BusyButton className="danger" busy={props.busy} busyText="Working…" onClick={props.onConfirm}>
          {props.confirmLabel}
        </BusyButton>
        <button type="button" onClick={props.onCancel} disabled={props.busy} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** Previous/next pagination over `total` items; `label` names the list for screen readers. */
export function Pager(props: { offset: number; limit: number; total: number; label: string; onChange: (offset: number) => void }) {
  const { offset, limit, total } = props;
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={offset === 0} onClick={() => props.onChange(Math.max(0, offset - limit))}>
        Previous page
      </button>
      <span aria-live="polite">
        {from}–{to} of {total}
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => props.onChange(offset + limit)}>
        Next page
      </button>
    </nav>
  );
}

/** An absolute local time with a machine-readable datetime attribute. */
export function Time(props: { at: string | null | undefined; fallback?: string }) {
  if (!props.at) return <>{props.fallback ?? '—'}</>;
  return <time dateTime={props.at}>{formatLocal(props.at)}</time>;
}

/** "24 Nov 2026, 18:00:00 · in 3 h 12 min", ticking with `now`. */
export function Expiry(props: { at: string; now: Date }) {
  return (
    <span className="expiry">
      <Time at={props.at} />
      <span className="countdown">{formatCountdown(new Date(props.at), props.now)}</span>
    </span>
  );
}

/** A loading line that screen readers announce. */
export function Loading(props: { what?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}
