// Renders IDs as names (resolved lazily), and a "N users" disclosure that expands to the names.
import { useId, useState } from 'react';
import { type NameKind, useNames } from '../lib/names';

/** A comma-separated list of names for `ids`. */
export function Names(props: { kind: NameKind; ids: ReadonlyArray<string> }) {
  const names = useNames(props.kind, props.ids);
  if (props.ids.length === 0) return <>—</>;
  return <>{props.ids.map((id) => names[id] ?? '…').join(', ')}</>;
}

/** One name for one ID. */
export function Name(props: { kind: NameKind; id: string | null | undefined }) {
  const ids = props.id ? [props.id] : [];
  const names = useNames(props.kind, ids);
  if (!props.id) return <>—</>;
  return <>{names[props.id] ?? '…'}</>;
}

/** "3 users" as a button that shows or hides the users' names below it. */
export function UserCount(props: { ids: ReadonlyArray<string>; grantName: string }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const n = props.ids.length;
  return (
    <div className="disclosure">
      <button
        type="button"
        className="link-button"
        aria-expanded={open}
        aria-controls={listId}
        aria-label={`${n} ${n === 1 ? 'user' : 'users'} in ${props.grantName}`}
        onClick={() => setOpen((o) => !o)}
      >
        {n} {n === 1 ? 'user' : 'users'} <span aria-hidden="true">{open ? '▴' : '▾'}</span>
      </button>
      {open && (
        <ul id={listId} className="plain">
          <UserItems ids={props.ids} />
        </ul>
      )}
    </div>
  );
}

function UserItems(props: { ids: ReadonlyArray<string> }) {
  const names = useNames('user', props.ids);
  return (
    <>
      {props.ids.map((id) => (
        <li key={id}>{names[id] ?? '…'}</li>
      ))}
    </>
  );
}
